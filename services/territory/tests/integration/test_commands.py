"""Commands over HTTP: invalid ones name the field, unknown territories are 404, EPCI conflicts 409.

Each test starts the service on a schema of its own, so any one of them passes alone, in any order.
"""

from __future__ import annotations

import json

import pytest

from tdi_contracts.topics import TERRITORY
from tdi_runtime.testing import unique_name

from .conftest import READER_TOKEN, outbox_ids, published, wait_until_relayed

pytestmark = pytest.mark.integration


@pytest.fixture
def schema() -> str:
    """Per test, not per module: no test depends on what another one changed."""
    return unique_name("territory_c")


GRAND_REIMS_CU = {
    "siren": "200067403",
    "name": "CU du Grand Reims",
    "nature_juridique": "CU",
    "joined_on": "2024-01-15",
}
BINOME = {
    "elected_mandate": "president-epci",
    "industrial_company": "Fonderie champenoise",
    "industrial_company_size": "pme",
    "industrial_sector": "métallurgie",
    "appointed_on": "2023-12-01",
}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/territories/tdi-44-grand-reims/epci", {**GRAND_REIMS_CU, "siren": "200067404"}, "body.siren"),
        (
            "/territories/tdi-44-grand-reims/epci",
            {**GRAND_REIMS_CU, "nature_juridique": "SIVOM"},
            "body.nature_juridique",
        ),
        (
            "/territories/tdi-44-grand-reims/binomes",
            {**BINOME, "elected_official_name": "X"},
            "body.elected_official_name",
        ),
        ("/territories/tdi-44-grand-reims/binomes", {**BINOME, "appointed_on": "01/12/2023"}, "body.appointed_on"),
        ("/territories/tdi-44-grand-reims/binomes", {**BINOME, "industrial_company": "=1"}, "body.industrial_company"),
        ("/territories/tdi-44-grand-reims/epci", {**GRAND_REIMS_CU, "name": '@HYPERLINK("x")'}, "body.name"),
        (
            "/territories/tdi-44-grand-reims/chefs-de-projet",
            {
                "employer_siren": "200067403",
                "employer_authority": "epci",
                "annual_cost_cents": 60000.5,
                "started_on": "2024-02-01",
            },
            "body.annual_cost_cents",
        ),
    ],
)
async def test_an_invalid_command_is_refused_with_422_naming_the_field_in_french(territory_service, path, body, field):
    async with territory_service() as (_, client):
        answer = await client.post(path, json=body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "INVALID_REQUEST"
    assert answer.json()["message"].startswith("La requête est invalide")
    assert field in [e["field"] for e in answer.json()["errors"]]


async def test_an_unknown_territory_is_404_with_a_stable_code_and_a_french_sentence(territory_service):
    async with territory_service() as (_, client):
        read = await client.get("/territories/tdi-44-nulle-part")
        command = await client.post("/territories/ti-999999/binomes", json=BINOME)
    for answer in (read, command):
        assert answer.status_code == 404
        assert answer.json()["code"] == "UNKNOWN_TERRITORY"
        assert answer.json()["message"] == "Le territoire désigné n'est pas un Territoire d'industrie connu."


async def test_an_epci_already_in_a_territory_cannot_join_another_409(territory_service):
    async with territory_service() as (_, client):
        joined = await client.post("/territories/tdi-44-grand-reims/epci", json=GRAND_REIMS_CU)
        again = await client.post("/territories/tdi-44-pays-de-chalons/epci", json=GRAND_REIMS_CU)
        chalons = (await client.get("/territories/tdi-44-pays-de-chalons")).json()

    assert joined.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "EPCI_ALREADY_IN_TERRITORY"
    assert again.json()["message"] == (  # the catalogue's sentence, then the case
        "Cet EPCI appartient déjà à un autre Territoire d'industrie (un seul à la fois)."
        " L'EPCI « CU du Grand Reims » (200067403) fait déjà partie du territoire « Grand Reims »."
    )
    assert chalons["epci"] == []


async def test_an_epci_that_left_may_join_another_territory(territory_service):
    async with territory_service() as (_, client):
        assert (await client.post("/territories/tdi-44-grand-reims/epci", json=GRAND_REIMS_CU)).status_code == 201
        left = await client.post("/territories/tdi-44-grand-reims/epci/200067403/leave", json={"left_on": "2025-06-30"})
        left_again = await client.post(
            "/territories/tdi-44-grand-reims/epci/200067403/leave", json={"left_on": "2025-07-01"}
        )
        joined = await client.post("/territories/tdi-44-pays-de-chalons/epci", json=GRAND_REIMS_CU)
        chalons = (await client.get("/territories/tdi-44-pays-de-chalons")).json()

    assert left.status_code == 200
    assert (left_again.status_code, left_again.json()["code"]) == (409, "EPCI_NOT_IN_TERRITORY")
    assert joined.status_code == 201
    assert [e["siren"] for e in chalons["epci"]] == ["200067403"]


async def test_a_territory_shows_its_binome_and_its_shared_chef_de_projet_until_the_post_ends(territory_service):
    post = {"employer_siren": "200067403", "employer_authority": "epci", "annual_cost_cents": 6_000_000}
    async with territory_service() as (_, client):
        assert (await client.post("/territories/tdi-44-grand-reims/binomes", json=BINOME)).status_code == 201
        opened = await client.post(
            "/territories/tdi-44-grand-reims/chefs-de-projet", json={**post, "started_on": "2024-02-01"}
        )
        post_id = opened.json()["chef_de_projet_id"]
        shared = await client.post(
            f"/chefs-de-projet/{post_id}/share",
            json={"territory_ids": ["tdi-44-pays-de-chalons"], "shared_on": "2024-09-01"},
        )
        chalons = (await client.get("/territories/tdi-44-pays-de-chalons")).json()
        reims = (await client.get("/territories/tdi-44-grand-reims")).json()
        too_early = await client.post(f"/chefs-de-projet/{post_id}/end", json={"ended_on": "2023-12-31"})
        ended = await client.post(f"/chefs-de-projet/{post_id}/end", json={"ended_on": "2026-12-31"})
        share_ended = await client.post(
            f"/chefs-de-projet/{post_id}/share", json={"territory_ids": ["ti-1"], "shared_on": "2027-01-01"}
        )

    assert shared.json()["territory_ids"] == ["tdi-44-grand-reims", "tdi-44-pays-de-chalons"]
    assert [b["elected_authority"] for b in reims["binomes"]] == ["epci"]
    assert "name" not in reims["binomes"][0]
    assert chalons["chefs_de_projet"][0]["shared_with"] == ["tdi-44-grand-reims"]
    assert (too_early.status_code, too_early.json()["code"]) == (422, "INVALID_CHEF_DE_PROJET_POST")
    assert ended.json()["territory_ids"] == ["tdi-44-grand-reims", "tdi-44-pays-de-chalons"]
    assert (share_ended.status_code, share_ended.json()["code"]) == (409, "CHEF_DE_PROJET_POST_ENDED")


async def test_each_accepted_command_is_announced_on_the_territory_topic(territory_service, platform_stack, db):
    post = {"employer_siren": "200067403", "employer_authority": "epci", "annual_cost_cents": 6_000_000}
    async with territory_service() as (_, client):
        commands = [
            ("/territories/tdi-44-grand-reims/epci", GRAND_REIMS_CU),
            ("/territories/tdi-44-grand-reims/epci/200067403/leave", {"left_on": "2025-06-30"}),
            ("/territories/tdi-44-pays-de-chalons/epci", GRAND_REIMS_CU),
            ("/territories/tdi-44-grand-reims/binomes", BINOME),
            ("/territories/tdi-44-grand-reims/chefs-de-projet", {**post, "started_on": "2024-02-01"}),
        ]
        for path, body in commands:
            assert (await client.post(path, json=body)).status_code in (200, 201)
        post_id = (await client.get("/territories/tdi-44-grand-reims")).json()["chefs_de_projet"][0]["id"]
        share = {"territory_ids": ["tdi-44-pays-de-chalons"], "shared_on": "2024-09-01"}
        assert (await client.post(f"/chefs-de-projet/{post_id}/share", json=share)).status_code == 200
        assert (
            await client.post(f"/chefs-de-projet/{post_id}/end", json={"ended_on": "2026-12-31"})
        ).status_code == 200
        await wait_until_relayed(db)
    events = await published(platform_stack.bootstrap_servers, TERRITORY.name, await outbox_ids(db, TERRITORY.name))
    kinds = [env.type.split(".")[-2] for env, _, _ in events]
    assert kinds.count("EpciJoined") == 2 and kinds.count("EpciLeft") == 1
    assert kinds.count("TerritoryLabelled") == 182  # all at first start, none again when an EPCI joins
    assert kinds.count("BinomeAppointed") == 1 and kinds.count("ChefDeProjetShared") == 1
    assert kinds.count("ChefDeProjetEnded") == 2  # one per territory the post served


async def test_without_a_token_nothing_is_answered_and_a_reader_token_reads_but_never_writes(
    territory_service,
):
    body = {"siren": "200067213", "name": "CU du Grand Reims", "nature_juridique": "CU", "joined_on": "2024-01-15"}
    async with territory_service(as_staff=False) as (_, client):
        anonymous = await client.post("/territories/tdi-44-grand-reims/epci", json=body)
        reader = await client.post(
            "/territories/tdi-44-grand-reims/epci", json=body, headers={"Authorization": f"Bearer {READER_TOKEN}"}
        )
        anonymous_read = await client.get("/territories/tdi-44-grand-reims")
        read = await client.get("/territories/tdi-44-grand-reims", headers={"Authorization": f"Bearer {READER_TOKEN}"})
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "UNAUTHENTICATED"
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert reader.status_code == 403
    assert reader.json()["code"] == "READ_ONLY_ROLE"
    assert "lecture seule" in reader.json()["message"]
    assert (anonymous_read.status_code, anonymous_read.json()["code"]) == (401, "UNAUTHENTICATED")
    assert read.status_code == 200


async def test_a_command_retried_with_its_idempotency_key_is_answered_again_without_a_second_binome(
    territory_service,
):
    retry = {"Idempotency-Key": "staff-2024-0042"}
    async with territory_service() as (_, client):
        first = await client.post("/territories/tdi-44-vitry-le-francois/binomes", json=BINOME, headers=retry)
        again = await client.post("/territories/tdi-44-vitry-le-francois/binomes", json=BINOME, headers=retry)
        other = await client.post(
            "/territories/tdi-44-vitry-le-francois/binomes",
            json={**BINOME, "industrial_sector": "chimie"},
            headers=retry,
        )
        territory = (await client.get("/territories/tdi-44-vitry-le-francois")).json()
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert [str(b["id"]) for b in territory["binomes"]] == [first.json()["binome_id"]]


async def test_the_event_of_a_command_continues_the_callers_trace(territory_service, db):
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    caller = {"traceparent": f"00-{trace_id}-b7ad6b7169203331-01"}
    async with territory_service() as (_, client):
        answer = await client.post("/territories/tdi-44-nord-ardennes/binomes", json=BINOME, headers=caller)
    assert answer.status_code == 201
    row = await db.fetchrow(
        "SELECT header_keys, header_values FROM outbox WHERE topic = 'tdi.territory.territory.v1'"
        " AND convert_from(key, 'UTF8') = 'tdi-44-nord-ardennes' ORDER BY id DESC LIMIT 1"
    )
    headers = {k: v.decode() for k, v in zip(row["header_keys"], row["header_values"], strict=True)}
    assert headers["ce_type"].endswith("BinomeAppointed.v1")
    assert headers["traceparent"].split("-")[1] == trace_id


async def test_a_binome_recorded_as_demonstration_data_is_announced_and_shown_as_synthetic(territory_service, db):
    async with territory_service() as (_, client):
        demo = await client.post("/territories/tdi-44-grand-reims/binomes", json={**BINOME, "synthetic": True})
        real = await client.post(
            "/territories/tdi-44-grand-reims/binomes", json={**BINOME, "appointed_on": "2024-01-03"}
        )
        shown = (await client.get("/territories/tdi-44-grand-reims")).json()["binomes"]
    assert (demo.status_code, real.status_code) == (201, 201), (demo.json(), real.json())
    appointed = "fr.territoires-industrie.territory.BinomeAppointed.v1"
    rows = await db.fetch("SELECT value FROM outbox WHERE $1 = ANY(header_values) ORDER BY id", appointed.encode())
    assert [json.loads(r["value"])["synthetic"] for r in rows] == [True, False]
    assert sorted(b["synthetic"] for b in shown) == [False, True]
