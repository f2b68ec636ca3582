"""The funding service running on the real stack: HTTP for staff and dashboards, partner decisions through
Kafka applied once and answered once on the partner's feedback topic."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from tdi_contracts.envelope import Envelope, decode_event, encode_event, spec_for
from tdi_contracts.events.funding import CommitGrant, FileApplication
from tdi_contracts.money import eur
from tdi_contracts.reference import Instrument
from tdi_contracts.topics import dlq_topic, partner_feedback_topic, partner_ingress_topic
from tdi_funding.app import create_app
from tdi_localstack.provisioning import create_topics
from tdi_runtime.kafka import read_to_end, security_options
from tdi_runtime.testing import unique_name

from .conftest import READER_TOKEN, STAFF_TOKEN, know_post, know_territory

pytestmark = pytest.mark.integration


@pytest.fixture
def funding_service(run_service, platform_stack):
    """`async with funding_service() as (app, client, conn_pool)`: the service on a schema of its own, with
    its own consumer group; two territories known to its projection (2 and 3 EPCI) and one with no EPCI yet."""
    schema, group = unique_name("funding_s"), unique_name("tdi-fundingtest")  # DLQ names want tdi-[a-z]+
    suffix = uuid.uuid4().hex[:6]
    territories = {"two": f"tdi-44-deux-{suffix}", "three": f"tdi-44-trois-{suffix}", "none": f"tdi-44-zero-{suffix}"}

    @contextlib.asynccontextmanager
    async def _start() -> Any:
        await create_topics(platform_stack.bootstrap_servers, [(dlq_topic(group), 1, {})])
        async with run_service(
            functools.partial(create_app, group=group),
            "funding",
            database_url=platform_stack.database_url,
            db_schema=schema,
            api_tokens={STAFF_TOKEN: "staff", READER_TOKEN: "reader"},
        ) as (app, client):
            pool = app.state.runtime.pool
            async with pool.acquire() as conn:
                await know_territory(conn, territories["two"], epci=2)
                await know_territory(conn, territories["three"], epci=3)
                await know_territory(conn, territories["none"], epci=0)
            client.headers["Authorization"] = f"Bearer {STAFF_TOKEN}"
            yield app, client, territories

    return _start


def dossier(territory_id: str, **changes: Any) -> dict[str, Any]:
    body = {
        "territory_id": territory_id,
        "programme": "fonds-vert-ti",
        "envelope_id": "fonds-vert-ti-2024-r44",
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
    return {**body, **changes}


async def test_envelopes_are_opened_with_exact_amounts_and_show_committed_paid_and_available(funding_service):
    async with funding_service() as (_, client, _t):
        answer = await client.get("/envelopes", params={"programme": "fonds-vert-ti", "year": 2024})
    envelopes = answer.json()["envelopes"]
    assert len(envelopes) == 19  # the national 100 M EUR holding the 18 regional ones (issue 24, A4)
    national = next(e for e in envelopes if e["region"] is None)
    assert national["ceiling_cents"] == eur(100_000_000) and national["allocated_cents"] == eur(7_900_000)
    grand_est = next(e for e in envelopes if e["region"] == "44")
    assert grand_est["ceiling_cents"] == eur(7_900_000) == grand_est["available_cents"]


async def test_a_dossier_goes_from_filing_to_payment_with_a_dated_history_and_the_envelope_follows(funding_service):
    async with funding_service() as (_, client, t):
        filed = await client.post("/applications", json=dossier(t["two"]))
        assert filed.status_code == 201, filed.text
        app_id = filed.json()["application_id"]
        assert (await client.post(f"/applications/{app_id}/instruction")).status_code == 200
        approved = await client.post(f"/applications/{app_id}/approval", json={"granted_cents": eur(120_000)})
        grant_id = approved.json()["grant_id"]
        paid = await client.post(
            f"/grants/{grant_id}/payments",
            json={"reference": "PAY-1", "amount_cents": eur(50_000), "paid_on": "2024-05-15"},
        )
        assert paid.status_code == 201, paid.text
        over = await client.post(
            f"/grants/{grant_id}/payments",
            json={"reference": "PAY-2", "amount_cents": eur(70_001), "paid_on": "2024-06-15"},
        )
        history = (await client.get(f"/applications/{app_id}")).json()
        envelope = (await client.get("/envelopes/fonds-vert-ti-2024-r44")).json()
        listed = (await client.get("/applications", params={"territory_id": t["two"], "state": "approved"})).json()
    assert over.status_code == 409 and over.json()["code"] == "PAYMENT_EXCEEDS_COMMITMENT"
    assert [h["state"] for h in history["history"]] == ["filed", "under-instruction", "approved", "approved"]
    assert history["history"][2]["note"].startswith("Dossier accordé pour 120")
    assert all(h["at"] for h in history["history"])
    assert (envelope["committed_cents"], envelope["paid_cents"]) == (eur(120_000), eur(50_000))
    assert envelope["available_cents"] == eur(7_900_000) - eur(120_000)
    assert listed["total"] == 1 and listed["applications"][0]["application_id"] == app_id


async def test_an_ineligible_dossier_is_refused_with_every_reason_and_commands_need_the_staff_role(funding_service):
    async with funding_service() as (_, client, t):
        bad = dossier(t["two"], value_chain=None, project_type="poste-chef-de-projet", requested_cents=eur(700_000))
        refused = await client.post("/applications", json=bad)
        floats = await client.post("/applications", json=dossier(t["two"], requested_cents=1500.5))
        client.headers["Authorization"] = f"Bearer {READER_TOKEN}"
        forbidden = await client.post("/applications", json=dossier(t["two"]))
        del client.headers["Authorization"]
        anonymous = await client.post("/applications", json=dossier(t["two"]))
    assert refused.status_code == 422 and refused.json()["code"] == "APPLICATION_NOT_ELIGIBLE"
    codes = {e["code"] for d in refused.json()["errors"] for e in d["field_errors"]}
    assert codes == {"project-type-not-eligible", "amount-above-eligible-cost"}  # the value chain is no gate (P:551)
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "READ_ONLY_ROLE")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "UNAUTHENTICATED")
    assert floats.status_code == 422 and floats.json()["code"] == "INVALID_REQUEST"


async def test_the_chef_de_projet_subsidy_follows_the_epci_count_and_says_when_it_cannot_be_computed(funding_service):
    async with funding_service() as (_, client, t):
        params = {"year": 2025, "post_cost_cents": eur(80_000)}
        two = (await client.get(f"/territories/{t['two']}/chef-de-projet-subsidy", params=params)).json()
        three = (await client.get(f"/territories/{t['three']}/chef-de-projet-subsidy", params=params)).json()
        unknown = await client.get(f"/territories/{t['none']}/chef-de-projet-subsidy", params=params)
        shared = await client.get(
            f"/territories/{t['three']}/chef-de-projet-subsidy", params={**params, "shared_with": [t["two"]]}
        )
        missing = await client.get("/territories/tdi-44-inconnu/chef-de-projet-subsidy", params=params)
    assert (two["subsidy_cents"], three["subsidy_cents"]) == (eur(30_000), eur(40_000))
    assert unknown.status_code == 200 and unknown.json()["computable"] is False
    assert unknown.json()["subsidy_cents"] is None
    assert shared.json()["post_share_cents"] == eur(40_000) and shared.json()["subsidy_cents"] == eur(28_000)
    assert (missing.status_code, missing.json()["code"]) == (404, "UNKNOWN_TERRITORY")


async def test_a_chef_de_projet_dossier_is_capped_by_the_epci_count_on_an_envelope_staff_opened(funding_service):
    posts = {"three": uuid.uuid4(), "none": uuid.uuid4()}
    async with funding_service() as (app, client, t):
        async with app.state.runtime.pool.acquire() as conn:
            for which, post in posts.items():
                await know_post(conn, post, t[which], eur(80_000))
        envelope = {
            "envelope_id": "chef-de-projet-2025",
            "programme": "chef-de-projet",
            "ceiling_cents": eur(5_000_000),
        }
        opened = await client.post("/envelopes", json={**envelope, "year": 2025})
        again = await client.post("/envelopes", json={**envelope, "year": 2025})
        clash = await client.post("/envelopes", json={**envelope, "year": 2025, "ceiling_cents": eur(1)})
        post = dict(
            programme="chef-de-projet",
            envelope_id="chef-de-projet-2025",
            value_chain=None,
            project_type="poste-chef-de-projet",
            eligible_cost_cents=eur(80_000),
            funding_year=2025,
        )
        three, none = str(posts["three"]), str(posts["none"])
        above = await client.post(
            "/applications", json=dossier(t["three"], **post, requested_cents=eur(40_001), chef_de_projet_id=three)
        )
        at_cap = await client.post(
            "/applications", json=dossier(t["three"], **post, requested_cents=eur(40_000), chef_de_projet_id=three)
        )
        no_epci = await client.post(
            "/applications", json=dossier(t["none"], **post, requested_cents=eur(10_000), chef_de_projet_id=none)
        )
    assert (opened.status_code, again.status_code) == (201, 201)
    assert (clash.status_code, clash.json()["code"]) == (409, "ENVELOPE_ALREADY_OPENED")
    assert [e["code"] for e in above.json()["errors"][0]["field_errors"]] == ["state-share-above-cap"]
    assert at_cap.status_code == 201
    assert [e["code"] for e in no_epci.json()["errors"][0]["field_errors"]] == ["epci-count-unknown"]


def partner_record(payload: Any, partner: str, event_id: str) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), partner).model_copy(update={"id": event_id})
    key, value, headers = encode_event(envelope, payload)
    return key, value, list(headers)


async def answers(bootstrap: str, partner: str, event_ids: set[str], expect: int) -> list[tuple[str, Any]]:
    """(event id, answer) of the feedback records about these event ids, once at least `expect` arrived."""
    for _ in range(100):  # bounded only so a broken service fails instead of hanging
        found = []
        for r in await read_to_end(bootstrap, partner_feedback_topic(partner)):
            _, payload = decode_event(r.key, r.value, r.headers)
            if payload.partner_event_id in event_ids:
                found.append((payload.partner_event_id, payload))
        if len(found) >= expect:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"only {len(found)} answers of {expect}")


async def test_a_partner_decision_sent_through_kafka_is_applied_once_and_answered_once(funding_service, platform_stack):
    bootstrap = platform_stack.bootstrap_servers
    run = uuid.uuid4().hex[:10]
    async with funding_service() as (_, client, t):
        producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **security_options()
        )
        await producer.start()
        try:

            async def send(partner: str, payload: Any, event_id: str) -> None:
                key, value, headers = partner_record(payload, partner, event_id)
                await producer.send_and_wait(partner_ingress_topic(partner, "funding"), value, key=key, headers=headers)

            filing = FileApplication.model_validate_json(
                json.dumps(
                    dossier(
                        t["two"],
                        programme="rebond-industriel-investissement",
                        envelope_id="rebond-industriel-investissement",
                        instrument="avance-remboursable",
                        value_chain=None,
                        partner_reference=f"BPI-{run}",
                    )
                )
            )
            await send("bpifrance", filing, f"file-{run}")
            filed = dict(await answers(bootstrap, "bpifrance", {f"file-{run}"}, 1))[f"file-{run}"]
            application_id = filed.resulting_ids[0].id

            def commit(amount: int) -> CommitGrant:
                return CommitGrant(
                    application_id=application_id,
                    territory_id=t["two"],
                    amount_cents=amount,
                    instrument=Instrument.AVANCE_REMBOURSABLE,
                    partner_reference=f"BPI-{run}",
                )

            await send("bpifrance", commit(eur(100_000)), f"commit-{run}")
            await send("bpifrance", commit(eur(100_000)), f"commit-again-{run}")  # the same decision, twice
            unknown = commit(eur(1_000)).model_copy(update={"application_id": uuid.uuid4()})
            await send("bpifrance", unknown, f"unknown-{run}")
            await send("ademe", commit(eur(100_000)), f"ademe-{run}")
            ids = {f"commit-{run}", f"commit-again-{run}", f"unknown-{run}"}
            bpi = await answers(bootstrap, "bpifrance", ids, 3)
            ademe = await answers(bootstrap, "ademe", {f"ademe-{run}"}, 1)
            await asyncio.sleep(1)  # a second answer, if the service wrongly sent one, would be there by now
            bpi_after = await answers(bootstrap, "bpifrance", ids, 3)
            envelope = (await client.get("/envelopes/rebond-industriel-investissement")).json()
            history = (await client.get(f"/applications/{application_id}")).json()
        finally:
            await producer.stop()
    by_id = dict(bpi)
    assert sorted(i for i, _ in bpi_after) == sorted(ids)  # exactly one answer per event
    assert type(by_id[f"commit-{run}"]).__name__ == "PartnerEventAccepted"
    assert type(by_id[f"commit-again-{run}"]).__name__ == "PartnerEventAccepted"
    assert by_id[f"unknown-{run}"].code == "UNKNOWN_AGGREGATE"
    assert ademe[0][1].code == "PROGRAMME_NOT_OPERATED"
    assert envelope["committed_cents"] == eur(100_000)  # applied once
    assert [h["state"] for h in history["history"]] == ["filed", "approved"]


async def test_a_dossier_filed_as_demonstration_data_is_announced_as_synthetic(funding_service):
    async with funding_service() as (app, client, t):
        demo = await client.post("/applications", json=dossier(t["two"], synthetic=True))
        real = await client.post("/applications", json=dossier(t["three"]))
        filed = "fr.territoires-industrie.funding.ApplicationFiled.v2"
        rows = await app.state.runtime.pool.fetch(
            "SELECT value FROM outbox WHERE $1 = ANY(header_values) ORDER BY id", filed.encode()
        )
    assert (demo.status_code, real.status_code) == (201, 201), demo.text
    assert [json.loads(r["value"])["synthetic"] for r in rows] == [True, False]
