"""Partners on Kafka (issue 24, C2 and C3): Banque des Territoires' 600 M€ decarbonisation line and programmes a
partner declares (an open programme code, v2 events; v1 still read), and partner refusals and withdrawals.

P:711 « La Banque des Territoires déploie plus d'1 Md€ sur les 5 prochaines années »; P:713 « L'accompagnement
ad-hoc des industriels, en vue d'une industrie décarbonée (à hauteur de 600 M€) ». Refusal and withdrawal by a
partner: not in the sources (platform rule: the programme's deciders only)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from tdi_contracts.events.funding import (
    CommitGrant,
    DeclareProgramme,
    FileApplication,
    FileApplicationV2,
    RefuseApplication,
    WithdrawApplication,
)
from tdi_contracts.money import eur
from tdi_contracts.topics import partner_ingress_topic
from tdi_runtime.kafka import security_options

from .test_service import answers, dossier, funding_service, partner_record  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
BDT = "banque-des-territoires"


def command(model: Any, body: dict[str, Any]) -> Any:
    return model.model_validate_json(json.dumps(body))


async def test_a_partner_declares_a_programme_and_files_and_commits_on_it_with_an_open_code__P711_P713(
    funding_service,  # noqa: F811
    platform_stack,
):
    bootstrap, run = platform_stack.bootstrap_servers, uuid.uuid4().hex[:8]
    code = f"bdt-prets-verts-{run}"
    async with funding_service() as (app, client, t):
        seeded = (await client.get("/envelopes/bdt-decarbonation-industrielle")).json()
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                    **security_options())  # fmt: skip
        await producer.start()
        try:

            async def send(payload: Any, event_id: str, partner: str = BDT) -> Any:
                key, value, headers = partner_record(payload, partner, event_id)
                await producer.send_and_wait(partner_ingress_topic(partner, "funding"), value, key=key, headers=headers)
                return dict(await answers(bootstrap, partner, {event_id}, 1))[event_id]

            declaration = {"programme": code, "label": "Prêts verts pour l'industrie (test)", "instruments": ["pret"],
                           "project_types": ["investissement-industriel"], "partner_reference": f"P-{run}"}  # fmt: skip
            declared = await send(command(DeclareProgramme, declaration), f"declare-{run}")
            taken = {**declaration, "programme": "fonds-vert-ti", "partner_reference": f"P2-{run}"}
            catalogue_code = await send(command(DeclareProgramme, taken), f"fv-{run}")
            envelope_body = {"envelope_id": f"{code}-env", "programme": code, "ceiling_cents": eur(5_000_000),
                             "operator": BDT}  # fmt: skip
            opened = await client.post("/envelopes", json=envelope_body)
            body = dossier(t["two"], programme=code, envelope_id=f"{code}-env", instrument="pret", value_chain=None,
                           partner_reference=f"D-{run}")  # fmt: skip
            filed = await send(command(FileApplicationV2, body), f"file-{run}")
            application = str(filed.resulting_ids[0].id)
            committed = await send(command(CommitGrant, {"application_id": application, "territory_id": t["two"],
                                   "amount_cents": eur(100_000), "instrument": "pret",
                                   "partner_reference": f"C-{run}"}), f"commit-{run}")  # fmt: skip
            v1_unknown = await send(
                FileApplication.model_construct(**{**body, "partner_reference": f"D1-{run}"}), f"v1-{run}"
            )
        finally:
            await producer.stop()
        envelope = (await client.get(f"/envelopes/{code}-env")).json()
        types = [r["t"] for r in await app.state.runtime.pool.fetch(
            "SELECT convert_from(header_values[array_position(header_keys, 'ce_type')], 'UTF8') AS t FROM outbox"
            " ORDER BY id")]  # fmt: skip
        granted = await app.state.runtime.pool.fetch(
            "SELECT value FROM outbox WHERE $1 = ANY(header_values)",
            b"fr.territoires-industrie.funding.GrantCommitted.v2",
        )
        grant = json.loads(granted[0]["value"])

    assert (seeded["ceiling_cents"], seeded["operator"], seeded["ceiling_provenance"]) == (
        eur(600_000_000),
        BDT,
        "sources",
    )
    assert type(declared).__name__ == "PartnerEventAccepted"
    assert catalogue_code.code == "PROGRAMME_ALREADY_DECLARED"
    assert opened.status_code == 201, opened.text
    assert type(filed).__name__ == type(committed).__name__ == "PartnerEventAccepted"
    assert v1_unknown.code == "INVALID_PAYLOAD", "v1 keeps its closed programme list: a declared code needs v2"
    assert envelope["committed_cents"] == eur(100_000)
    assert grant["programme"] == code
    assert "fr.territoires-industrie.funding.ProgrammeDeclared.v1" in types
    assert "fr.territoires-industrie.funding.ApplicationFiled.v2" in types


async def test_a_partner_refuses_and_withdraws_the_dossiers_of_its_programme_through_kafka(
    funding_service,  # noqa: F811
    platform_stack,
):
    bootstrap, run = platform_stack.bootstrap_servers, uuid.uuid4().hex[:8]
    async with funding_service() as (_app, client, t):
        sites = {"programme": "sites-cles-en-main", "envelope_id": "bdt-sites-cles-en-main-predeveloppement",
                 "instrument": "pret", "value_chain": None, "project_type": "site-industriel"}  # fmt: skip
        first = (await client.post("/applications", json=dossier(t["two"], **sites))).json()["application_id"]
        second = (await client.post("/applications", json=dossier(t["two"], **sites))).json()["application_id"]
        fonds_vert = (await client.post("/applications", json=dossier(t["two"]))).json()["application_id"]
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                    **security_options())  # fmt: skip
        await producer.start()
        try:
            sent: dict[str, str] = {}
            for partner, payload, event_id in (
                (BDT, command(RefuseApplication, {"application_id": first, "territory_id": t["two"],
                 "reason_code": "project-not-eligible", "reason": "Site sans maîtrise foncière.",
                 "partner_reference": f"R-{run}"}), f"refuse-{run}"),
                (BDT, command(WithdrawApplication, {"application_id": second, "territory_id": t["two"],
                 "partner_reference": f"W-{run}"}), f"withdraw-{run}"),
                ("ademe", command(RefuseApplication, {"application_id": fonds_vert, "territory_id": t["two"],
                 "reason_code": "project-not-eligible", "reason": "Hors critères.",
                 "partner_reference": f"RA-{run}"}), f"ademe-refuse-{run}"),
            ):  # fmt: skip
                key, value, headers = partner_record(payload, partner, event_id)
                await producer.send_and_wait(partner_ingress_topic(partner, "funding"), value, key=key, headers=headers)
                sent[event_id] = partner
            bdt = dict(await answers(bootstrap, BDT, {f"refuse-{run}", f"withdraw-{run}"}, 2))
            ademe = dict(await answers(bootstrap, "ademe", {f"ademe-refuse-{run}"}, 1))
        finally:
            await producer.stop()
        states = [(await client.get(f"/applications/{a}")).json()["state"] for a in (first, second, fonds_vert)]
    assert type(bdt[f"refuse-{run}"]).__name__ == type(bdt[f"withdraw-{run}"]).__name__ == "PartnerEventAccepted"
    assert ademe[f"ademe-refuse-{run}"].code == "PROGRAMME_NOT_DECIDED_BY_PARTNER"
    assert states == ["refused", "withdrawn", "filed"]
