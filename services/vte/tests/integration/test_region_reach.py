"""On the real database: a regional user's VTE commands are judged on the place the use case writes, not on the
territory the caller quotes (issue 22 #2). A contract is placed by its establishment's commune, so quoting one's
own territory for an establishment of another region must not record anything."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import know_territory
from vte_bpifrance import REGIONAL_44_TOKEN, STAFF_TOKEN

from tdi_vte.domain import contract_id_of

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

REGIONAL_44 = {"Authorization": f"Bearer {REGIONAL_44_TOKEN}"}
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def contract(reference: str, territory_id: str, commune: str, graduated_in: str = "2024-06") -> dict[str, Any]:
    return {
        "contract_reference": reference,
        "territory_id": territory_id,
        "establishment": {"siret": "73282932000074", "siren": "732829320", "size": "pme", "commune_insee": commune},
        "candidate": {
            "candidate_reference": f"CAND-{reference}",
            "status": "jeune-diplome",
            "study_level": "bac+5",
            "graduated_in": graduated_in,
        },
        "contract_type": "cdd",
        "duration_months": 12,
        "starts_on": "2024-09-02",
        "signed_on": "2024-07-10",
        "aid_requested_on": "2024-09-20",
    }


async def traces_of(conn: Any, reference: str) -> tuple[int, int]:
    """(contract rows, outbox rows) the platform holds about one contract reference."""
    rows = await conn.fetchval(
        "SELECT count(*) FROM vte_contracts WHERE vte_contract_id = $1", contract_id_of(reference)
    )
    events = await conn.fetchval(
        "SELECT count(*) FROM outbox WHERE convert_from(value, 'UTF8') LIKE '%' || $1 || '%'",
        str(contract_id_of(reference)),
    )
    return rows, events


async def an_occitanie_territory(conn: Any) -> tuple[str, str]:
    """A labelled territory of Occitanie (76) with one commune of the Hérault, in the service's projection."""
    territory_id = f"tdi-76-vte-{uuid.uuid4().hex[:6]}"
    commune = f"34{uuid.uuid4().int % 1000:03d}"
    await know_territory(conn, territory_id, ["34"], [commune], regions=("76",))
    return territory_id, commune


async def test_a_regional_user_quoting_its_territory_cannot_record_an_establishment_of_another_region(vte_service):
    async with vte_service() as (app, client, territory_44, _group, _commune_44):
        async with app.state.runtime.pool.acquire() as conn:
            _, commune_76 = await an_occitanie_territory(conn)
        reference = f"BPI-REACH-{uuid.uuid4().hex[:8]}"

        answer = await client.post(
            "/vte/contracts", json=contract(reference, territory_44, commune_76), headers=REGIONAL_44
        )

        assert (answer.status_code, answer.json().get("code")) == (403, "OUT_OF_REGION"), answer.text
        assert answer.json()["message"]
        async with app.state.runtime.pool.acquire() as conn:
            assert await traces_of(conn, reference) == (0, 0), "nothing recorded, no event"


async def test_a_regional_user_records_a_contract_whose_establishment_is_in_its_region(vte_service):
    async with vte_service() as (app, client, territory_44, _group, commune_44):
        reference = f"BPI-REACH-{uuid.uuid4().hex[:8]}"

        answer = await client.post(
            "/vte/contracts", json=contract(reference, territory_44, commune_44), headers=REGIONAL_44
        )

        assert answer.status_code == 201, answer.text
        assert (answer.json()["territory_id"], answer.json()["regions"]) == (territory_44, ["44"])
        async with app.state.runtime.pool.acquire() as conn:
            rows, events = await traces_of(conn, reference)
        assert rows == 1 and events >= 1


async def test_a_regional_user_cannot_probe_or_take_over_another_regions_contract_reference(vte_service):
    async with vte_service() as (app, client, territory_44, _group, commune_44):
        async with app.state.runtime.pool.acquire() as conn:
            territory_76, commune_76 = await an_occitanie_territory(conn)
        reference = f"BPI-REACH-{uuid.uuid4().hex[:8]}"
        recorded = await client.post(
            "/vte/contracts", json=contract(reference, territory_76, commune_76), headers=STAFF
        )
        assert recorded.status_code == 201, recorded.text
        async with app.state.runtime.pool.acquire() as conn:
            before = await traces_of(conn, reference)

        # The same reference with other terms, quoting its own territory: no "already recorded" (which would
        # tell the contract exists), and the Occitanie contract stays as it was.
        answer = await client.post(
            "/vte/contracts",
            json=contract(reference, territory_44, commune_44, graduated_in="2023-06"),
            headers=REGIONAL_44,
        )
        assert (answer.status_code, answer.json().get("code")) == (403, "OUT_OF_REGION"), answer.text
        end = {"contract_reference": reference, "reason": "ended-early", "ended_on": "2024-10-15"}
        ended = await client.post("/vte/contracts/end", json=end, headers=REGIONAL_44)
        assert (ended.status_code, ended.json().get("code")) == (403, "OUT_OF_REGION"), ended.text
        async with app.state.runtime.pool.acquire() as conn:
            assert await traces_of(conn, reference) == before
