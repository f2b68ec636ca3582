"""Who decides the Fonds vert, on the real stack (issue 24, A1): « géré de manière déconcentrée par les Préfectures
de région avec l'appui de l'ADEME et en concertation avec les Conseils régionaux » (press kit P:547; Marne deck M:275
« Déconcentré à l'échelle du préfet de région », M:303 « Votre contact → Préfecture de région »).

A prefecture user of region 44 decides a Grand Est dossier and gets 403 on another region's; ADEME (its instructor
role over HTTP, its ingress topic over Kafka) records an avis in the history and cannot decide; the Conseil régional
records an avis and cannot decide."""

from __future__ import annotations

import contextlib
import functools
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from tdi_contracts.events.funding import CommitGrant, RecordApplicationOpinion
from tdi_contracts.money import eur
from tdi_contracts.topics import dlq_topic, partner_ingress_topic
from tdi_funding.app import create_app
from tdi_localstack.provisioning import create_topics
from tdi_runtime.kafka import security_options
from tdi_runtime.testing import unique_name

from .conftest import STAFF_TOKEN
from .test_service import answers, partner_record

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

TOKENS = {
    STAFF_TOKEN: "staff",
    "t-prefecture-44": "prefecture:44",
    "t-ademe": "instructor:fonds-vert-ti",
    "t-region-44": "region-council:44",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


STAFF, PREFECTURE_44, ADEME, REGION_44 = (bearer(t) for t in TOKENS)


@pytest.fixture
def fonds_vert(run_service, platform_stack):
    """`async with fonds_vert() as (app, client, territories)`: the service with its consumers on a schema and group of
    its own; a Grand Est (44) and a Bretagne (53) territory known to its projection."""
    group = unique_name("tdi-fundingfv")
    suffix = uuid.uuid4().hex[:6]
    territories = {"44": f"tdi-44-reims-{suffix}", "53": f"tdi-53-brest-{suffix}"}

    @contextlib.asynccontextmanager
    async def _start() -> Any:
        await create_topics(platform_stack.bootstrap_servers, [(dlq_topic(group), 1, {})])
        async with run_service(
            functools.partial(create_app, group=group),
            "funding",
            database_url=platform_stack.database_url,
            db_schema=unique_name("funding_fv"),
            api_tokens=TOKENS,
        ) as (app, client):
            for region, territory_id in territories.items():
                await app.state.runtime.pool.execute(
                    "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
                    " epci_sirens, active_binomes, chefs_de_projet, revision, as_of) VALUES ($1, NULL, 'Test', true,"
                    " $2, $3, '{200067213,200066793}', 1, '{}', 1, $4)",
                    territory_id,
                    [region],
                    ["51" if region == "44" else "29"],
                    datetime.now(UTC),
                )
            yield app, client, territories

    return _start


def dossier(territory_id: str, region: str) -> dict[str, Any]:
    return {
        "territory_id": territory_id,
        "programme": "fonds-vert-ti",
        "envelope_id": f"fonds-vert-ti-2024-r{region}",
        "applicant_siren": "732829320",
        "project_title": "Ligne de recyclage de composites",
        "requested_cents": eur(150_000),
        "eligible_cost_cents": eur(600_000),
        "instrument": "subvention",
        "project_type": "competences",  # a skills project, no value chain: eligible (P:539)
        "funding_year": 2024,
        "supported_by_local_authorities": True,
        "linked_to_territory_strategy": True,
    }


async def test_the_prefecture_of_region_44_decides_a_grand_est_dossier_and_not_a_bretagne_one__P547_M275(fonds_vert):
    async with fonds_vert() as (_app, client, t):
        grand_est = await client.post("/applications", json=dossier(t["44"], "44"), headers=STAFF)
        bretagne = await client.post("/applications", json=dossier(t["53"], "53"), headers=STAFF)
        assert (grand_est.status_code, bretagne.status_code) == (201, 201), grand_est.text + bretagne.text
        ge, br = grand_est.json()["application_id"], bretagne.json()["application_id"]

        approved = await client.post(f"/applications/{ge}/approval", json={"granted_cents": eur(120_000)},
                                     headers=PREFECTURE_44)  # fmt: skip
        elsewhere = await client.post(f"/applications/{br}/approval", json={"granted_cents": eur(120_000)},
                                      headers=PREFECTURE_44)  # fmt: skip
        refusal = {"reason_code": "project-not-eligible", "reason": "Hors critères."}
        refused_elsewhere = await client.post(f"/applications/{br}/refusal", json=refusal, headers=PREFECTURE_44)
        history = (await client.get(f"/applications/{ge}", headers=STAFF)).json()["history"]
        envelope = (await client.get("/envelopes/fonds-vert-ti-2024-r44", headers=STAFF)).json()

    assert approved.status_code == 200, approved.text
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "OUT_OF_REGION")
    assert (refused_elsewhere.status_code, refused_elsewhere.json()["code"]) == (403, "OUT_OF_REGION")
    assert envelope["committed_cents"] == eur(120_000)
    assert [(h["state"], h["actor"]) for h in history][-1] == ("approved", "regional:44")


async def test_ademe_and_the_region_council_record_an_avis_and_cannot_decide_over_http__P547(fonds_vert):
    async with fonds_vert() as (app, client, t):
        filed = (await client.post("/applications", json=dossier(t["44"], "44"), headers=ADEME)).json()
        application = filed["application_id"]
        opened = await client.post(f"/applications/{application}/instruction", headers=ADEME)
        ademe_avis = await client.post(f"/applications/{application}/opinions", headers=ADEME,
                                       json={"opinion": "favorable", "text": "Gains énergétiques avérés."})  # fmt: skip
        reserve = {"opinion": "reserve", "text": "À articuler avec le SRADDET."}
        region_avis = await client.post(f"/applications/{application}/opinions", headers=REGION_44, json=reserve)
        ademe_approves = await client.post(f"/applications/{application}/approval", headers=ADEME,
                                           json={"granted_cents": eur(100_000)})  # fmt: skip
        region_approves = await client.post(f"/applications/{application}/approval", headers=REGION_44,
                                            json={"granted_cents": eur(100_000)})  # fmt: skip
        prefecture_avis = await client.post(f"/applications/{application}/opinions", headers=PREFECTURE_44,
                                            json={"opinion": "favorable", "text": "Oui."})  # fmt: skip
        seen = (await client.get(f"/applications/{application}", headers=STAFF)).json()
        recorded = await app.state.runtime.pool.fetch(
            "SELECT value FROM outbox WHERE $1 = ANY(header_values) ORDER BY id",
            b"fr.territoires-industrie.funding.ApplicationOpinionRecorded.v1",
        )

    assert opened.status_code == 200, opened.text
    assert (ademe_avis.status_code, region_avis.status_code) == (201, 201), ademe_avis.text + region_avis.text
    assert (ademe_approves.status_code, ademe_approves.json()["code"]) == (403, "PROGRAMME_NOT_DECIDED_BY_PARTNER")
    assert "préfecture de région" in ademe_approves.json()["message"]
    assert (region_approves.status_code, region_approves.json()["code"]) == (403, "FORBIDDEN")
    assert (prefecture_avis.status_code, prefecture_avis.json()["code"]) == (403, "FORBIDDEN")
    assert seen["state"] == "under-instruction" and seen["committed_cents"] == 0
    assert [(h["actor"], h["note"]) for h in seen["history"][-2:]] == [
        ("instructor:fonds-vert-ti", "Avis favorable : Gains énergétiques avérés."),
        ("region-council:44", "Avis réservé : À articuler avec le SRADDET."),
    ]
    assert [json.loads(r["value"])["author"] for r in recorded] == ["instructor:fonds-vert-ti", "region-council:44"]


async def test_ademe_records_an_avis_through_kafka_and_its_commitment_is_refused_with_a_code__P547(
    fonds_vert, platform_stack
):
    bootstrap, run = platform_stack.bootstrap_servers, uuid.uuid4().hex[:10]
    async with fonds_vert() as (_app, client, t):
        filed = await client.post("/applications", json=dossier(t["44"], "44"), headers=STAFF)
        application = filed.json()["application_id"]
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                    **security_options())  # fmt: skip
        await producer.start()
        try:
            avis = RecordApplicationOpinion.model_validate_json(json.dumps(
                {"application_id": application, "territory_id": t["44"], "opinion": "defavorable",
                 "text": "Gain environnemental non démontré.", "partner_reference": f"AV-{run}"}))  # fmt: skip
            commit = CommitGrant.model_validate_json(json.dumps(
                {"application_id": application, "territory_id": t["44"], "amount_cents": eur(100_000),
                 "instrument": "subvention", "partner_reference": f"CG-{run}"}))  # fmt: skip
            for payload, event_id in ((avis, f"avis-{run}"), (commit, f"commit-{run}")):
                key, value, headers = partner_record(payload, "ademe", event_id)
                await producer.send_and_wait(partner_ingress_topic("ademe", "funding"), value, key=key, headers=headers)
            answered = dict(await answers(bootstrap, "ademe", {f"avis-{run}", f"commit-{run}"}, 2))
        finally:
            await producer.stop()
        seen = (await client.get(f"/applications/{application}", headers=STAFF)).json()
        envelope = (await client.get("/envelopes/fonds-vert-ti-2024-r44", headers=STAFF)).json()

    assert type(answered[f"avis-{run}"]).__name__ == "PartnerEventAccepted"
    assert answered[f"commit-{run}"].code == "PROGRAMME_NOT_DECIDED_BY_PARTNER"
    assert "préfecture de région" in answered[f"commit-{run}"].reason
    assert seen["history"][-1]["actor"] == "ademe"
    assert seen["history"][-1]["note"] == "Avis défavorable : Gain environnemental non démontré."
    assert seen["state"] == "filed" and envelope["committed_cents"] == 0
