"""On the real database: a regional user's funding commands are judged on what they write (issue 22 #2). A dossier
of an interregional territory charged to another region's envelope commits that region's money: the territory the
caller quotes being partly in its region is not enough."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from tdi_contracts.money import eur

from .conftest import STAFF_TOKEN, http_only_funding

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

REGIONAL_44_TOKEN = "test-regional-44-token"
REGIONAL_44 = {"Authorization": f"Bearer {REGIONAL_44_TOKEN}"}
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


@pytest.fixture
def funding_http(run_service, platform_stack):
    """`async with funding_http() as (app, client, territory_id)`: HTTP only, on a schema of its own; the territory
    spans Grand Est (44) and Occitanie (76) in the service's projection."""
    territory_id = f"tdi-44-interregional-{uuid.uuid4().hex[:6]}"

    @contextlib.asynccontextmanager
    async def _start() -> Any:
        tokens = {REGIONAL_44_TOKEN: "regional:44"}
        async with http_only_funding(run_service, platform_stack, "reach", tokens) as (app, client):
            await app.state.runtime.pool.execute(
                "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
                " epci_sirens, active_binomes, chefs_de_projet, revision, as_of) VALUES ($1, NULL,"
                " 'Territoire interrégional', true, '{44,76}', '{51,34}', '{200067213,200066793}', 1, '{}', 1, $2)",
                territory_id,
                datetime.now(UTC),
            )
            yield app, client, territory_id

    return _start


def dossier(territory_id: str, envelope_id: str) -> dict[str, Any]:
    return {
        "territory_id": territory_id,
        "programme": "fonds-vert-ti",
        "envelope_id": envelope_id,
        "applicant_siren": "732829320",
        "project_title": "Ligne de recyclage de composites",
        "requested_cents": eur(150_000),
        "eligible_cost_cents": eur(600_000),
        "instrument": "subvention",
        "value_chain": "recyclage-economie-circulaire",
        "project_type": "investissement-industriel",
        "expected_jobs": 25,
        "productive_investment_cents": eur(900_000),
        "funding_year": 2024,
        "supported_by_local_authorities": True,  # P:541, required for the Fonds vert
        "linked_to_territory_strategy": True,
    }


async def dossiers_on(app: Any, envelope_id: str) -> int:
    return int(await app.state.runtime.pool.fetchval("SELECT count(*) FROM applications WHERE envelope_id = $1",
                                                     envelope_id))  # fmt: skip


async def test_a_regional_user_cannot_file_a_dossier_on_another_regions_envelope_through_a_shared_territory(
    funding_http,
):
    async with funding_http() as (app, client, territory_id):
        events = await app.state.runtime.pool.fetchval("SELECT count(*) FROM outbox")

        answer = await client.post("/applications", json=dossier(territory_id, "fonds-vert-ti-2024-r76"),
                                   headers=REGIONAL_44)  # fmt: skip

        assert (answer.status_code, answer.json().get("code")) == (403, "OUT_OF_REGION"), answer.text
        assert answer.json()["message"]
        assert await dossiers_on(app, "fonds-vert-ti-2024-r76") == 0, "nothing filed on Occitanie's envelope"
        assert await app.state.runtime.pool.fetchval("SELECT count(*) FROM outbox") == events, "no event"
        own = await client.post("/applications", json=dossier(territory_id, "fonds-vert-ti-2024-r44"),
                                headers=REGIONAL_44)  # fmt: skip
        assert own.status_code == 201, own.text


async def test_a_regional_user_cannot_commit_another_regions_envelope_through_a_shared_territory(funding_http):
    async with funding_http() as (_app, client, territory_id):
        filed = await client.post("/applications", json=dossier(territory_id, "fonds-vert-ti-2024-r76"), headers=STAFF)
        assert filed.status_code == 201, filed.text
        application = filed.json()["application_id"]
        assert (await client.post(f"/applications/{application}/instruction", headers=STAFF)).status_code == 200
        before = (await client.get("/envelopes/fonds-vert-ti-2024-r76", headers=STAFF)).json()

        approved = await client.post(f"/applications/{application}/approval", json={"granted_cents": eur(100_000)},
                                     headers=REGIONAL_44)  # fmt: skip
        seen = await client.get(f"/applications/{application}", headers=REGIONAL_44)

        assert (approved.status_code, approved.json().get("code")) == (403, "OUT_OF_REGION"), approved.text
        after = (await client.get("/envelopes/fonds-vert-ti-2024-r76", headers=STAFF)).json()
        assert after["committed_cents"] == before["committed_cents"] == 0
        assert seen.status_code == 200, "a dossier of its territory stays readable"


async def test_a_regional_user_cannot_probe_another_regions_envelope_by_opening_one_under_its_id(funding_http):
    async with funding_http() as (_app, client, _territory_id):
        envelope = {"envelope_id": f"mx-env-{uuid.uuid4().hex[:6]}", "programme": "fonds-vert-ti",
                    "ceiling_cents": eur(1_000_000), "year": 2025}  # fmt: skip
        opened = await client.post("/envelopes", json={**envelope, "region": "76"}, headers=STAFF)
        assert opened.status_code == 201, opened.text

        probe = await client.post("/envelopes", json={**envelope, "region": "44"}, headers=REGIONAL_44)

        assert (probe.status_code, probe.json().get("code")) == (403, "OUT_OF_REGION"), probe.text
