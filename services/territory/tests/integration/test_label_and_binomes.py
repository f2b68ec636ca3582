"""The label over time (a territory entered later, a label withdrawn), binômes that end, the contract's limits
answered 409 (never 500), and one Kafka key per territory whichever id form the caller used."""

from __future__ import annotations

import json

import pytest

from tdi_contracts.ids import luhn_is_valid
from tdi_contracts.topics import TERRITORY, TERRITORY_REFERENCE
from tdi_runtime.testing import unique_name

from .conftest import outbox_ids, published, wait_until_relayed

pytestmark = pytest.mark.integration

LANGRES = {"name": "Pays de Langres", "departements": ["52"], "official_id": "ti-8999"}
BINOME = {
    "elected_mandate": "maire",
    "industrial_company": "Coutellerie de Nogent",
    "industrial_company_size": "pme",
    "industrial_sector": "métallurgie",
    "appointed_on": "2024-01-10",
}
POST = {"employer_siren": "200067403", "employer_authority": "epci", "annual_cost_cents": 6_000_000}


@pytest.fixture
def schema() -> str:
    return unique_name("territory_l")


def siren(n: int) -> str:
    base = f"2001{n:04d}"
    return base + next(d for d in "0123456789" if luhn_is_valid(base + d))


async def outbox_events(db) -> list[tuple[str, str, dict]]:
    """(event type, Kafka key, payload) of every outbox row past the first start's announcements."""
    rows = await db.fetch("SELECT key, value, header_keys, header_values FROM outbox ORDER BY id OFFSET 364")
    return [
        (
            dict(zip(r["header_keys"], r["header_values"], strict=True))["ce_type"].decode().split(".")[-2],
            r["key"].decode(),
            json.loads(r["value"]),
        )
        for r in rows
    ]


async def test_the_missing_territory_is_entered_with_its_official_id_and_announced_once(
    territory_service, platform_stack, db
):
    async with territory_service() as (_, client):
        added = await client.post("/territories", json=LANGRES)
        again = await client.post("/territories", json={**LANGRES, "official_id": "ti-9000"})
        same_official_id = await client.post("/territories", json={**LANGRES, "name": "Langres Bis"})
        too_wide = await client.post(
            "/territories", json={"name": "Très large", "departements": ["51", "29", "13", "2A"], "official_id": "ti-1"}
        )
        by_official = (await client.get("/territories/ti-8999")).json()
        count = (await client.get("/territories")).json()["count"]
        await wait_until_relayed(db)

    assert (added.status_code, added.json()["territory_id"]) == (201, "tdi-44-pays-de-langres")
    assert (again.status_code, again.json()["code"]) == (409, "TERRITORY_ALREADY_LISTED")
    assert (same_official_id.status_code, same_official_id.json()["code"]) == (409, "TERRITORY_ALREADY_LISTED")
    assert "porte déjà l'identifiant officiel" in same_official_id.json()["message"]
    assert (too_wide.status_code, too_wide.json()["code"]) == (422, "INVALID_TERRITORY")
    assert (by_official["id"], by_official["regions"], count) == ("tdi-44-pays-de-langres", ["44"], 183)
    labels = await published(platform_stack.bootstrap_servers, TERRITORY.name, await outbox_ids(db, TERRITORY.name))
    langres = [(p, key) for _, p, key in labels if p.territory_id == "tdi-44-pays-de-langres"]
    assert [(type(p).__name__, p.official_id, key) for p, key in langres] == [
        ("TerritoryLabelled", "ti-8999", b"tdi-44-pays-de-langres")
    ]
    refs = await published(
        platform_stack.bootstrap_servers, TERRITORY_REFERENCE.name, await outbox_ids(db, TERRITORY_REFERENCE.name)
    )
    ref = [p for _, p, _ in refs if p.territory_id == "tdi-44-pays-de-langres"]
    assert [(p.revision, p.official_id, p.labelled) for p in ref] == [(1, "ti-8999", True)]


async def test_a_withdrawn_label_turns_labelled_false_and_keeps_the_territorys_history(territory_service, db):
    async with territory_service() as (_, client):
        binome = (await client.post("/territories/tdi-44-grand-reims/binomes", json=BINOME)).json()["binome_id"]
        early = await client.post("/territories/tdi-44-grand-reims/withdraw-label", json={"withdrawn_on": "2022-01-01"})
        withdrawn = await client.post(
            "/territories/tdi-44-grand-reims/withdraw-label", json={"withdrawn_on": "2025-12-31"}
        )
        again = await client.post("/territories/tdi-44-grand-reims/withdraw-label", json={"withdrawn_on": "2026-01-01"})
        new_binome = await client.post("/territories/tdi-44-grand-reims/binomes", json=BINOME)
        last_ends = await client.post(
            f"/territories/tdi-44-grand-reims/binomes/{binome}/end", json={"ended_on": "2026-01-31"}
        )
        reims = (await client.get("/territories/tdi-44-grand-reims")).json()

    assert (early.status_code, early.json()["code"]) == (422, "INVALID_TERRITORY")
    assert withdrawn.status_code == 200
    assert (again.status_code, again.json()["code"]) == (409, "LABEL_ALREADY_WITHDRAWN")
    assert (new_binome.status_code, new_binome.json()["code"]) == (409, "TERRITORY_LABEL_WITHDRAWN")
    assert last_ends.status_code == 200  # a territory without label may let its last binôme go
    assert (reims["labelled_for_temps_ii"], reims["status"], reims["label_withdrawn_on"]) == (
        False,
        "withdrawn",
        "2025-12-31",
    )
    assert [b["id"] for b in reims["former_binomes"]] == [binome]
    events = await outbox_events(db)
    assert [(kind, p.get("labelled")) for kind, _, p in events if kind != "BinomeAppointed"][:3] == [
        ("TerritoryReferenceUpdated", True),
        ("TerritoryLabelWithdrawn", None),
        ("TerritoryReferenceUpdated", False),
    ]


async def test_a_binome_ends_with_its_event_once_a_successor_leads_the_territory(territory_service, db):
    path = "/territories/tdi-44-vitry-le-francois/binomes"
    async with territory_service() as (_, client):
        first = (await client.post(path, json=BINOME)).json()["binome_id"]
        alone = await client.post(f"{path}/{first}/end", json={"ended_on": "2026-03-31"})
        second = (await client.post(path, json={**BINOME, "appointed_on": "2026-03-01"})).json()["binome_id"]
        before = await client.post(f"{path}/{first}/end", json={"ended_on": "2023-01-01"})
        ended = await client.post(f"{path}/{first}/end", json={"ended_on": "2026-03-31"})
        twice = await client.post(f"{path}/{first}/end", json={"ended_on": "2026-04-30"})
        elsewhere = await client.post(
            f"/territories/tdi-44-grand-reims/binomes/{second}/end", json={"ended_on": "2026-04-30"}
        )
        vitry = (await client.get("/territories/tdi-44-vitry-le-francois")).json()

    assert (alone.status_code, alone.json()["code"]) == (409, "BINOME_REQUIRED")
    assert (before.status_code, before.json()["code"]) == (422, "INVALID_BINOME")
    assert ended.status_code == 200
    assert (twice.status_code, twice.json()["code"]) == (409, "BINOME_ALREADY_ENDED")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "UNKNOWN_BINOME")
    assert [b["id"] for b in vitry["binomes"]] == [second]
    assert [(b["id"], b["ended_on"]) for b in vitry["former_binomes"]] == [(first, "2026-03-31")]
    ends = [(key, p) for kind, key, p in await outbox_events(db) if kind == "BinomeEnded"]
    assert ends == [
        (
            "tdi-44-vitry-le-francois",
            {"territory_id": "tdi-44-vitry-le-francois", "binome_id": first, "ended_on": "2026-03-31"},
        )
    ]
    references = [p for kind, key, p in await outbox_events(db) if kind == "TerritoryReferenceUpdated"]
    assert [p["active_binomes"] for p in references] == [1, 2, 1]


async def test_the_contracts_limits_of_a_territory_are_answered_409_with_a_code_never_500(territory_service):
    async with territory_service() as (_, client):
        for n in range(40):
            epci = {"siren": siren(n), "name": f"CC {n}", "nature_juridique": "CC", "joined_on": "2024-01-15"}
            assert (await client.post("/territories/tdi-44-grand-reims/epci", json=epci)).status_code == 201
        epci_41 = await client.post(
            "/territories/tdi-44-grand-reims/epci",
            json={"siren": siren(40), "name": "CC 40", "nature_juridique": "CC", "joined_on": "2024-01-15"},
        )
        for _ in range(10):
            opened = await client.post(
                "/territories/tdi-44-grand-reims/chefs-de-projet", json={**POST, "started_on": "2024-02-01"}
            )
            assert opened.status_code == 201
        post_11 = await client.post(
            "/territories/tdi-44-grand-reims/chefs-de-projet", json={**POST, "started_on": "2024-02-01"}
        )
        chalons_post = (
            await client.post(
                "/territories/tdi-44-pays-de-chalons/chefs-de-projet", json={**POST, "started_on": "2024-02-01"}
            )
        ).json()["chef_de_projet_id"]
        shared_into_full = await client.post(
            f"/chefs-de-projet/{chalons_post}/share",
            json={"territory_ids": ["tdi-44-grand-reims"], "shared_on": "2024-09-01"},
        )
        reims = (await client.get("/territories/tdi-44-grand-reims")).json()

    assert (epci_41.status_code, epci_41.json()["code"]) == (409, "EPCI_LIMIT_REACHED")
    assert "40 EPCI" in epci_41.json()["message"]
    assert (post_11.status_code, post_11.json()["code"]) == (409, "CHEF_DE_PROJET_LIMIT_REACHED")
    assert (shared_into_full.status_code, shared_into_full.json()["code"]) == (409, "CHEF_DE_PROJET_LIMIT_REACHED")
    assert (len(reims["epci"]), len(reims["chefs_de_projet"])) == (40, 10)


async def test_commands_naming_the_official_id_emit_events_keyed_and_carrying_the_platform_id_only(
    territory_service, db
):
    async with territory_service() as (_, client):
        await db.execute("UPDATE territories SET official_id = 'ti-8101' WHERE id = 'tdi-44-grand-reims'")
        assert (await client.post("/territories", json=LANGRES)).status_code == 201
        epci = {"siren": siren(1), "name": "CC 1", "nature_juridique": "CC", "joined_on": "2024-01-15"}
        steps = [
            ("/territories/ti-8101/epci", epci),
            (f"/territories/ti-8101/epci/{siren(1)}/leave", {"left_on": "2024-06-30"}),
            ("/territories/ti-8999/epci", epci),
            ("/territories/ti-8101/binomes", BINOME),
            ("/territories/ti-8101/binomes", BINOME),
        ]
        answers = [await client.post(path, json=body) for path, body in steps]
        binome = answers[-1].json()["binome_id"]
        answers.append(await client.post(f"/territories/ti-8101/binomes/{binome}/end", json={"ended_on": "2025-01-01"}))
        post = (
            await client.post("/territories/ti-8101/chefs-de-projet", json={**POST, "started_on": "2024-02-01"})
        ).json()
        share = {"territory_ids": ["ti-8999"], "shared_on": "2024-09-01"}
        answers.append(await client.post(f"/chefs-de-projet/{post['chef_de_projet_id']}/share", json=share))
        answers.append(
            await client.post(f"/chefs-de-projet/{post['chef_de_projet_id']}/end", json={"ended_on": "2025-01-01"})
        )
        answers.append(await client.post("/territories/ti-8999/withdraw-label", json={"withdrawn_on": "2025-12-31"}))

    assert [a.status_code for a in answers] == [201, 200, 201, 201, 201, 200, 200, 200, 200]
    events = await outbox_events(db)
    kinds = {kind for kind, _, _ in events}
    assert kinds == {
        "TerritoryLabelled", "EpciJoined", "EpciLeft", "BinomeAppointed", "BinomeEnded", "ChefDeProjetAppointed",
        "ChefDeProjetShared", "ChefDeProjetEnded", "TerritoryLabelWithdrawn", "TerritoryReferenceUpdated",
    }  # fmt: skip
    for kind, key, payload in events:
        carried = [payload["territory_id"], *payload.get("shared_with", [])]
        assert key.startswith("tdi-") and all(t.startswith("tdi-") for t in carried), (kind, key, payload)
    assert {key for _, key, _ in events} == {"tdi-44-grand-reims", "tdi-44-pays-de-langres"}
