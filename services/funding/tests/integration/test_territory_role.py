"""The territory role on funding (issue 24, "A role for the territories": « déposer leur dossier chef de projet »):
a territory's chef de projet files its territory's chef de projet dossier and reads its territory's dossiers, and
nothing else; another territory's dossiers are 403 OUT_OF_TERRITORY, judged on the territory the service resolves
(the token may name the territory by its official id, the dossier by its platform id)."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from tdi_contracts.money import eur

from .conftest import STAFF_TOKEN, http_only_funding, know_post, open_envelope
from .test_region_reach import dossier as fonds_vert_dossier

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

TERRITORY_TOKEN = "test-territory-token"
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
TERRITORY = {"Authorization": f"Bearer {TERRITORY_TOKEN}"}


def cdp_dossier(territory_id: str, envelope_id: str, post_id: uuid.UUID) -> dict[str, Any]:
    return {
        "territory_id": territory_id,
        "programme": "chef-de-projet",
        "envelope_id": envelope_id,
        "applicant_siren": "732829320",
        "project_title": "Poste de chef de projet",
        "requested_cents": eur(20_000),
        "eligible_cost_cents": eur(60_000),
        "instrument": "subvention",
        "project_type": "poste-chef-de-projet",
        "funding_year": 2024,
        "chef_de_projet_id": str(post_id),
    }


@pytest.fixture
def funding_territories(run_service, platform_stack):
    """`async with funding_territories() as (client, ids)`: HTTP only; two Grand Est territories, one post each, a chef
    de projet envelope; the territory token names the first by its official id."""
    tag = uuid.uuid4().hex[:6]
    ids = {"mine": f"tdi-44-mien-{tag}", "official": f"ti-{tag}", "other": f"tdi-44-autre-{tag}",
           "envelope": f"cdp-{tag}", "my_post": uuid.uuid4(), "other_post": uuid.uuid4()}  # fmt: skip

    @contextlib.asynccontextmanager
    async def _start() -> Any:
        tokens = {TERRITORY_TOKEN: f"territory:{ids['official']}"}
        async with http_only_funding(run_service, platform_stack, "territory", tokens) as (app, client):
            async with app.state.runtime.pool.acquire() as conn:
                for key, official in (("mine", ids["official"]), ("other", None)):
                    await conn.execute(
                        "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions,"
                        " departements, epci_sirens, active_binomes, chefs_de_projet, revision, as_of) VALUES ($1, $2,"
                        " 'Territoire', true, '{44}', '{51}', '{200067213,200066793}', 1, '{}', 1, $3)",
                        ids[key],
                        official,
                        datetime.now(UTC),
                    )
                await know_post(conn, ids["my_post"], ids["mine"], eur(60_000))
                await know_post(conn, ids["other_post"], ids["other"], eur(60_000))
                await open_envelope(conn, ids["envelope"], eur(1_000_000), programme="chef-de-projet")
            yield client, ids

    return _start


async def test_a_territory_token_files_and_reads_its_own_territory_and_gets_403_out_of_territory_on_another(
    funding_territories,
):
    async with funding_territories() as (client, ids):
        theirs = await client.post(
            "/applications", json=cdp_dossier(ids["other"], ids["envelope"], ids["other_post"]), headers=STAFF
        )
        assert theirs.status_code == 201, theirs.text
        theirs_id = theirs.json()["application_id"]

        filed = await client.post(
            "/applications", json=cdp_dossier(ids["mine"], ids["envelope"], ids["my_post"]), headers=TERRITORY
        )
        mine_id = filed.json().get("application_id")
        read = await client.get(f"/applications/{mine_id}", headers=TERRITORY)
        listed = await client.get("/applications", headers=TERRITORY)
        out_of_territory = {
            "file": await client.post(
                "/applications", json=cdp_dossier(ids["other"], ids["envelope"], ids["other_post"]), headers=TERRITORY
            ),
            "read": await client.get(f"/applications/{theirs_id}", headers=TERRITORY),
            "list": await client.get("/applications", params={"territory_id": ids["other"]}, headers=TERRITORY),
        }
        forbidden = {
            "fonds vert": await client.post(
                "/applications", json=fonds_vert_dossier(ids["mine"], "fonds-vert-ti-2024-r44"), headers=TERRITORY
            ),
            "approve": await client.post(
                f"/applications/{mine_id}/approval", json={"granted_cents": eur(20_000)}, headers=TERRITORY
            ),
            "envelopes": await client.get("/envelopes", headers=TERRITORY),
        }
        everything = await client.get("/applications", headers=STAFF)

    assert filed.status_code == 201, filed.text
    assert (read.status_code, read.json()["territory_id"]) == (200, ids["mine"])
    assert [a["application_id"] for a in listed.json()["applications"]] == [mine_id], listed.text
    for name, answer in out_of_territory.items():
        assert (answer.status_code, answer.json().get("code")) == (403, "OUT_OF_TERRITORY"), (name, answer.text)
        assert answer.json()["message"], name
    for name, answer in forbidden.items():
        assert (answer.status_code, answer.json().get("code")) == (403, "FORBIDDEN"), (name, answer.text)
    assert everything.json()["total"] == 2, "nothing but the two dossiers was filed"
