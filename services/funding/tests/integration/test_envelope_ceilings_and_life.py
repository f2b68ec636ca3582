"""Envelopes on the real stack (issue 24, A4 and C4): only the published ceilings, the others set by staff by command
within the national 100 M€, closing and releasing.

P:75 « une enveloppe de 100 millions d'euros du Fonds vert pour l'année 2024 »; P:533 « 100M€ seront déployés dès
2024 »; M:274 « 7,9 millions d'euros en 2024 pour la région Grand Est »; P:545 « déposées au fil de l'eau … à compter
de janvier 2024 »."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tdi_contracts.money import eur
from tdi_contracts.reference import Region

from .conftest import STAFF_TOKEN, http_only_funding

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
STAFF, PREFECTURE = {"Authorization": f"Bearer {STAFF_TOKEN}"}, {"Authorization": "Bearer t-pref-53"}


@pytest.fixture
def funding(run_service, platform_stack):
    """`async with funding() as (app, client, territories)`: HTTP only, a schema of its own; a labelled territory in
    Grand Est (44) and in Bretagne (53)."""
    suffix = uuid.uuid4().hex[:6]
    territories = {"44": f"tdi-44-env-{suffix}", "53": f"tdi-53-env-{suffix}"}

    @contextlib.asynccontextmanager
    async def _start() -> Any:
        tokens = {"t-pref-53": "prefecture:53"}
        async with http_only_funding(run_service, platform_stack, "env", tokens) as (app, client):
            for region, territory_id in territories.items():
                await app.state.runtime.pool.execute(
                    "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
                    " epci_sirens, active_binomes, chefs_de_projet, revision, as_of) VALUES ($1, NULL, 'Test', true,"
                    " $2, '{51}', '{200067213}', 1, '{}', 1, $3)",
                    territory_id,
                    [region],
                    datetime.now(UTC),
                )
            yield app, client, territories

    return _start


def dossier(territory_id: str, region: str, requested: int = eur(150_000)) -> dict[str, Any]:
    return {"territory_id": territory_id, "programme": "fonds-vert-ti",
            "envelope_id": f"fonds-vert-ti-2024-r{region}", "applicant_siren": "732829320",
            "project_title": "Décarbonation d'une fonderie", "requested_cents": requested,
            "eligible_cost_cents": requested * 4, "instrument": "subvention",
            "project_type": "investissement-industriel", "funding_year": 2024,
            "supported_by_local_authorities": True, "linked_to_territory_strategy": True}  # fmt: skip


async def _filed(client: Any, body: dict[str, Any]) -> str:
    answer = await client.post("/applications", json=body, headers=STAFF)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["application_id"])


async def test_only_published_ceilings_are_set_and_an_unpublished_one_takes_no_commitment_until_set__P75_M274(funding):
    async with funding() as (app, client, t):
        listed = await client.get("/envelopes", params={"programme": "fonds-vert-ti", "year": 2024}, headers=STAFF)
        envelopes = {e["envelope_id"]: e for e in listed.json()["envelopes"]}
        application = await _filed(client, dossier(t["53"], "53"))  # filing is open (platform rule, setting)
        before = await client.post(f"/applications/{application}/approval", json={"granted_cents": eur(100_000)},
                                   headers=PREFECTURE)  # fmt: skip
        by_prefecture = await client.put("/envelopes/fonds-vert-ti-2024-r53/ceiling", headers=PREFECTURE,
                                         json={"ceiling_cents": eur(4_000_000)})  # fmt: skip
        set_ = await client.put("/envelopes/fonds-vert-ti-2024-r53/ceiling", json={"ceiling_cents": eur(4_000_000)},
                                headers=STAFF)  # fmt: skip
        after = await client.post(f"/applications/{application}/approval", json={"granted_cents": eur(100_000)},
                                  headers=PREFECTURE)  # fmt: skip
        bretagne = (await client.get("/envelopes/fonds-vert-ti-2024-r53", headers=STAFF)).json()
        national = (await client.get("/envelopes/fonds-vert-ti-2024", headers=STAFF)).json()
        events = [r["t"] for r in await app.state.runtime.pool.fetch(
            "SELECT convert_from(header_values[array_position(header_keys, 'ce_type')], 'UTF8') AS t FROM outbox"
            " ORDER BY id")]  # fmt: skip

    assert len(envelopes) == 19
    assert envelopes["fonds-vert-ti-2024"]["ceiling_cents"] == eur(100_000_000)
    assert envelopes["fonds-vert-ti-2024-r44"]["ceiling_cents"] == eur(7_900_000)
    unpublished = [e for i, e in envelopes.items() if i not in ("fonds-vert-ti-2024", "fonds-vert-ti-2024-r44")]
    assert len(unpublished) == 17 and all(e["ceiling_cents"] is None for e in unpublished)
    assert {e["ceiling_label"] for e in unpublished} == {"plafond non publié"}
    assert (before.status_code, before.json()["code"]) == (409, "ENVELOPE_CEILING_NOT_SET")
    assert (by_prefecture.status_code, by_prefecture.json()["code"]) == (403, "FORBIDDEN")
    assert set_.status_code == 200 and after.status_code == 200, after.text
    assert (bretagne["ceiling_cents"], bretagne["ceiling_provenance"], bretagne["committed_cents"]) == (
        eur(4_000_000),
        "staff",
        eur(100_000),
    )
    assert national["allocated_cents"] == eur(7_900_000) + eur(4_000_000)
    assert "fr.territoires-industrie.funding.EnvelopeCeilingFixed.v1" in events
    assert "fr.territoires-industrie.funding.EnvelopeOpened.v2" in events


async def test_regional_ceilings_set_at_once_never_add_up_to_more_than_the_national_100_million__P75_P533(funding):
    others = [r.value for r in Region if r is not Region.GRAND_EST]
    async with funding() as (_app, client, _t):

        async def set_(region: str) -> tuple[int, str | None]:
            answer = await client.put(f"/envelopes/fonds-vert-ti-2024-r{region}/ceiling",
                                      json={"ceiling_cents": eur(6_000_000)}, headers=STAFF)  # fmt: skip
            return answer.status_code, answer.json().get("code")

        outcomes = await asyncio.gather(*(set_(r) for r in others))
        listed = (await client.get("/envelopes", params={"programme": "fonds-vert-ti"}, headers=STAFF)).json()
    regional = [e for e in listed["envelopes"] if e["region"]]
    national = next(e for e in listed["envelopes"] if e["envelope_id"] == "fonds-vert-ti-2024")
    # 92.1 M€ are left for the 17 regions: 15 shares of 6 M€ fit (90 M€), 2 do not.
    assert outcomes.count((200, None)) == 15
    assert outcomes.count((409, "REGIONAL_CEILINGS_ABOVE_NATIONAL")) == 2
    assert sum(e["ceiling_cents"] or 0 for e in regional) == national["allocated_cents"] == eur(97_900_000)
    assert national["available_cents"] == eur(2_100_000)


async def test_a_closed_envelope_takes_no_dossier_and_releases_its_unused_balance_to_the_national_one__P545(funding):
    async with funding() as (_app, client, t):
        application = await _filed(client, dossier(t["44"], "44", eur(1_000_000)))
        approved = await client.post(f"/applications/{application}/approval", json={"granted_cents": eur(1_000_000)},
                                     headers=STAFF)  # fmt: skip
        still_open = await client.post("/envelopes/fonds-vert-ti-2024-r44/release", headers=STAFF)
        closed = await client.post("/envelopes/fonds-vert-ti-2024-r44/closure", headers=STAFF)
        late = await client.post("/applications", json=dossier(t["44"], "44"), headers=STAFF)
        released = await client.post("/envelopes/fonds-vert-ti-2024-r44/release", headers=STAFF)
        again = await client.post("/envelopes/fonds-vert-ti-2024-r44/release", headers=STAFF)
        grand_est = (await client.get("/envelopes/fonds-vert-ti-2024-r44", headers=STAFF)).json()
        national = (await client.get("/envelopes/fonds-vert-ti-2024", headers=STAFF)).json()
        yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
        opened = await client.post("/envelopes", headers=STAFF, json={
            "envelope_id": "fonds-vert-ti-2024-appel-clos", "programme": "fonds-vert-ti", "year": 2024,
            "ceiling_cents": eur(1_000_000), "files_from": "2024-01-01", "files_until": yesterday})  # fmt: skip
        closed_call = {**dossier(t["44"], "44"), "envelope_id": "fonds-vert-ti-2024-appel-clos"}
        past = await client.post("/applications", headers=STAFF, json=closed_call)
        no_year = await client.post("/envelopes", headers=STAFF, json={
            "envelope_id": "fonds-vert-sans-annee", "programme": "fonds-vert-ti", "ceiling_cents": eur(1)})  # fmt: skip

    assert approved.status_code == 200, approved.text
    assert (still_open.status_code, still_open.json()["code"]) == (409, "ENVELOPE_STILL_OPEN")
    assert closed.status_code == 200
    assert (late.status_code, late.json()["code"]) == (409, "ENVELOPE_CLOSED")
    assert released.json()["released_cents"] == eur(6_900_000) and again.json()["released_cents"] == 0
    assert (grand_est["ceiling_cents"], grand_est["released_cents"], grand_est["closed"]) == (
        eur(1_000_000),
        eur(6_900_000),
        True,
    )
    assert national["allocated_cents"] == eur(1_000_000) and national["available_cents"] == eur(99_000_000)
    assert opened.status_code == 201 and date.fromisoformat(yesterday) < datetime.now(UTC).date()
    assert (past.status_code, past.json()["code"]) == (409, "ENVELOPE_FILING_CLOSED")
    assert (no_year.status_code, no_year.json()["code"]) == (422, "INVALID_REQUEST")
