"""Commands over HTTP on the real stack: lifecycle with dated steps, refusals with a code and a French
sentence, territories known only from the reference topic, events in the outbox keyed by the platform id."""

from __future__ import annotations

import asyncio

import pytest

from tdi_contracts.envelope import decode_event, encode_event, envelope_for
from tdi_contracts.topics import FICHE_ACTION, TERRITORY_REFERENCE
from tdi_runtime.testing import publish_records

from .conftest import READER_TOKEN, wait_for

pytestmark = pytest.mark.integration

FICHE = {
    "territory_id": "tdi-44-grand-reims",
    "title": "Réseau de chaleur fatale de la zone industrielle",
    "lead_kind": "organisation",
    "lead": "Communauté urbaine du Grand Reims",
    "partners": ["ADEME"],
    "categories": ["transition-energetique", "ecologie-industrielle"],
    "estimated_cost_cents": 120_000_000,
    "proposed_on": "2024-01-15",
}


async def test_a_fiche_is_proposed_planned_started_and_done_each_step_dated(actions_service):
    async with actions_service() as (_, client):
        created = await client.post("/fiches", json=FICHE)
        fiche_id = created.json()["id"]
        steps = [
            await client.post(f"/fiches/{fiche_id}/status", json={"status": s, "on": d})
            for s, d in (("planned", "2024-02-01"), ("in-progress", "2024-06-03"), ("done", "2025-11-28"))
        ]
        back = await client.post(f"/fiches/{fiche_id}/status", json={"status": "planned", "on": "2026-01-01"})
        revised = await client.post(
            f"/fiches/{fiche_id}/revision",
            json={
                **{k: v for k, v in FICHE.items() if k not in ("territory_id", "proposed_on")},
                "estimated_cost_cents": 130_000_000,
                "revised_on": "2026-01-02",
            },
        )
        read = (await client.get(f"/fiches/{fiche_id}")).json()

    assert created.status_code == 201
    assert [s.status_code for s in steps] == [200, 200, 200]
    assert (read["status"], read["planned_on"], read["started_on"], read["done_on"]) == (
        "done",
        "2024-02-01",
        "2024-06-03",
        "2025-11-28",
    )
    assert (back.status_code, back.json()["code"]) == (409, "FICHE_ACTION_TRANSITION_FORBIDDEN")
    assert back.json()["message"] == (  # the catalogue's sentence, then the case
        "Ce passage d'étape n'est pas permis par le cycle de vie de la fiche action."
        " Une fiche action réalisée ne peut pas passer à l'état « programmée »."
    )
    assert (revised.status_code, revised.json()["code"]) == (409, "FICHE_ACTION_CLOSED")
    assert read["budget_cents"] == 120_000_000


async def test_refusals_carry_a_stable_code_and_a_french_sentence(actions_service, territories):
    withdrawn = next(t for t in territories.values() if not t.labelled).territory_id
    async with actions_service() as (_, client):
        unknown = await client.post("/fiches", json={**FICHE, "territory_id": "tdi-44-nulle-part"})
        not_labelled = await client.post("/fiches", json={**FICHE, "territory_id": withdrawn})
        a_person = await client.post("/fiches", json={**FICHE, "title": "Autre", "lead": "Mme Martin"})
        float_money = await client.post("/fiches", json={**FICHE, "estimated_cost_cents": 1.5})
        no_category = await client.post("/fiches", json={**FICHE, "categories": []})
        twice = [await client.post("/fiches", json={**FICHE, "external_reference": "GR-9"}) for _ in range(2)]
        unknown_fiche = await client.get("/fiches/6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a04")
        bad_step = await client.post(
            f"/fiches/{twice[0].json()['id']}/status", json={"status": "done", "on": "2024-01-20"}
        )
        unknown_scope = await client.get("/counts", params={"territory_id": "ti-1"})
        bad_filter = await client.get("/fiches", params={"category": "peche", "limit": 0})
        documented = await client.get("/openapi.json")
        client.headers.pop("Authorization")
        anonymous = await client.post("/fiches", json=FICHE)
        client.headers["Authorization"] = f"Bearer {READER_TOKEN}"
        reader = await client.post("/fiches", json=FICHE)

    expected = [
        (unknown, 404, "UNKNOWN_TERRITORY"),
        (not_labelled, 409, "TERRITORY_NOT_LABELLED"),
        (a_person, 422, "LEAD_IS_A_PERSON"),
        (float_money, 422, "INVALID_REQUEST"),
        (no_category, 422, "INVALID_REQUEST"),
        (twice[1], 409, "FICHE_ACTION_ALREADY_EXISTS"),
        (unknown_fiche, 404, "UNKNOWN_FICHE_ACTION"),
        (bad_step, 409, "FICHE_ACTION_TRANSITION_FORBIDDEN"),
        (unknown_scope, 404, "UNKNOWN_TERRITORY"),
        (bad_filter, 422, "INVALID_REQUEST"),
        (anonymous, 401, "UNAUTHENTICATED"),
        (reader, 403, "READ_ONLY_ROLE"),
    ]
    for answer, status, code in expected:
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.json()
        assert answer.json()["message"]
    assert "n'est plus labellisé" in not_labelled.json()["message"]
    assert {"/fiches", "/counts", "/imports"} <= set(documented.json()["paths"])


async def test_an_official_id_is_resolved_and_every_event_is_keyed_by_the_platform_id(actions_service, territories, db):
    official = next(t for t in territories.values() if t.official_id)
    async with actions_service() as (_, client):
        headers = {"Idempotency-Key": f"create-{official.official_id}"}
        body = {**FICHE, "territory_id": official.official_id, "title": "Friche de la gare"}
        first = await client.post("/fiches", json=body, headers=headers)
        retry = await client.post("/fiches", json=body, headers=headers)
        fiche_id = first.json()["id"]
        await client.post(f"/fiches/{fiche_id}/status", json={"status": "planned", "on": "2024-02-01"})
        revised = {
            **{k: v for k, v in body.items() if k not in ("territory_id", "proposed_on")},
            "estimated_cost_cents": 150_000_000,
            "categories": ["requalification-friches"],
            "revised_on": "2024-03-01",
        }
        await client.post(f"/fiches/{fiche_id}/revision", json=revised)
        listed = (await client.get("/fiches", params={"territory_id": official.official_id})).json()
    rows = await db.fetch(
        "SELECT key, value, header_keys, header_values FROM outbox WHERE topic = $1 ORDER BY id", FICHE_ACTION.name
    )
    events = [
        decode_event(r["key"], r["value"], list(zip(r["header_keys"], r["header_values"], strict=True))) for r in rows
    ]
    mine = [(e.type.split(".")[-2], p) for e, p in events if str(getattr(p, "fiche_action_id", "")) == fiche_id]

    assert retry.json()["id"] == fiche_id and retry.headers.get("Idempotent-Replayed") == "true"
    assert first.json()["territory_id"] == official.territory_id
    assert [kind for kind, _ in mine] == [
        "FicheActionProposed",
        "FicheActionPlanned",
        "FicheActionRecategorised",
        "FicheActionBudgetRevised",
    ]
    assert {p.territory_id for _, p in mine} == {official.territory_id}
    assert {r["key"] for r in rows if official.territory_id.encode() == r["key"]}
    assert listed["total"] == 1 and listed["fiches"][0]["budget_cents"] == 150_000_000


async def test_the_same_fiche_created_concurrently_exists_once_and_the_others_get_409(actions_service, db):
    body = {**FICHE, "territory_id": "tdi-44-vitry-le-francois", "external_reference": "VF-RACE"}
    async with actions_service() as (_, client):
        answers = await asyncio.gather(*(client.post("/fiches", json=body) for _ in range(6)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 409, 409, 409, 409, 409]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"FICHE_ACTION_ALREADY_EXISTS"}
    assert await db.fetchval("SELECT count(*) FROM fiches WHERE external_reference = 'VF-RACE'") == 1


async def test_a_territory_that_loses_its_label_keeps_its_fiches_but_takes_no_new_one(
    actions_service, territories, platform_stack, db
):
    essai = next(t for t in territories.values() if t.territory_id.endswith("-7"))
    body = {**FICHE, "territory_id": essai.territory_id, "title": "Avant le retrait"}
    async with actions_service() as (_, client):
        before = await client.post("/fiches", json=body)
        withdrawn = essai.model_copy(update={"revision": 2, "labelled": False})
        await publish_records(
            platform_stack.bootstrap_servers,
            TERRITORY_REFERENCE.name,
            [encode_event(envelope_for(withdrawn, "territory"), withdrawn)],
        )

        async def projected() -> bool:
            sql = "SELECT labelled FROM known_territories WHERE territory_id = $1"
            return await db.fetchval(sql, essai.territory_id) is False

        await wait_for(projected, "the withdrawal never reached the service's projection")
        after = await client.post("/fiches", json={**body, "title": "Après le retrait"})
        history = (await client.get("/counts", params={"territory_id": essai.territory_id})).json()
        move = await client.post(
            f"/fiches/{before.json()['id']}/status", json={"status": "planned", "on": "2024-03-01"}
        )

    assert before.status_code == 201
    assert (after.status_code, after.json()["code"]) == (409, "TERRITORY_NOT_LABELLED")
    assert history["fiches"] == 1
    assert move.status_code == 200  # its existing fiches live on


async def test_a_title_or_lead_a_spreadsheet_would_run_as_a_formula_is_refused_at_the_door(actions_service):
    async with actions_service() as (_, client):
        title = await client.post("/fiches", json={**FICHE, "title": '=HYPERLINK("http://x")'})
        lead = await client.post("/fiches", json={**FICHE, "title": "Autre titre", "lead": "+33 1 23"})
        fair = await client.post("/fiches", json={**FICHE, "title": "-20 % d'émissions de CO2"})

    for answer, field in ((title, "body.title"), (lead, "body.lead")):
        assert (answer.status_code, answer.json()["code"]) == (422, "INVALID_REQUEST"), answer.json()
        assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [(field, "formula_like_text")]
    assert fair.status_code == 201, fair.json()


async def test_keyed_fiches_created_one_after_another_are_each_answered_with_their_fiche(
    actions_service, territories, db
):
    """The route reads the fiche back after its command: each keyed request must see its own command's effect (the
    fault suite met a 500 from the second keyed request on, once keys rode the command's transaction)."""
    official = next(t for t in territories.values() if t.official_id)
    async with actions_service() as (_, client):
        for n in range(3):
            body = {**FICHE, "territory_id": official.official_id, "title": f"Friche n {n}"}
            answer = await client.post("/fiches", json=body, headers={"Idempotency-Key": f"k-{n}"})
            assert answer.status_code == 201, (n, answer.status_code, answer.text)
            assert answer.json()["title"] == f"Friche n {n}"
