"""Thousands of records on Bpifrance's funding and VTE ingress topics, valid commands mixed with records broken in
every way the generator knows, published as the partner's own SCRAM user to the real funding and vte services:
no broken record is applied, no valid one refused, each record answered exactly once on the partner's feedback
topic (quoting its ce_id, or its place, in ce_causationid), and each refused one set aside in its service's
dead-letter topic with its code and reason. Control characters, invalid UTF-8, empty and oversized values in
every `ce_*` header and every text field included: afterwards both consumers are ready, never handed a batch
back, and the next valid command of each service is applied."""

from __future__ import annotations

import asyncio
import functools
import os
import time
import uuid
from collections import Counter, defaultdict
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from ingress_fuzz_cases import FUNDING, PARTNER, VTE, Case, Generator, cases
from projections import know_territory

from tdi_contracts.envelope import decode_event
from tdi_contracts.topics import consumer_group, dlq_topic, partner_feedback_topic
from tdi_funding.app import create_app as create_funding
from tdi_runtime.kafka import read_to_end
from tdi_runtime.testing import unique_name
from tdi_vte.app import create_app as create_vte
from tdi_vte.rules import VteRules

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

TOTAL = 3_200
STAFF = "fuzz-staff-token"


async def publish(stack: Any, made: list[Case]) -> dict[int, tuple[int, int]]:
    """Send every case as the partner (idempotent producer, in order per partition): index -> (partition, offset)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.bootstrap_servers, acks="all", enable_idempotence=True, linger_ms=20,
        **stack._kafka.client_options(f"partner-{PARTNER}"),
    )  # fmt: skip
    await producer.start()
    try:
        futures = [await producer.send(c.topic, c.value, key=c.key, headers=c.headers) for c in made]
        return {i: (m.partition, m.offset) for i, m in enumerate(await asyncio.gather(*futures))}
    finally:
        await producer.stop()


async def oversize_is_refused_by_the_broker(stack: Any, case: Case) -> str:
    """A record above the topic's max.message.bytes (1 MiB) never enters the topic: the broker refuses it."""
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.bootstrap_servers, acks="all", max_request_size=4 * 1024 * 1024,
        **stack._kafka.client_options(f"partner-{PARTNER}"),
    )  # fmt: skip
    await producer.start()
    try:
        await producer.send_and_wait(case.topic, b" " * 1_500_000 + case.value, key=case.key, headers=case.headers)
    except KafkaError as error:
        return type(error).__name__
    finally:
        await producer.stop()
    raise AssertionError("the broker accepted a record above max.message.bytes")


def answer_key(case: Case, position: tuple[int, int]) -> str:
    return case.event_id or f"{case.topic}/{position[0]}/{position[1]}"


async def settled(pools: list[Any], expected: int, keys: set[str]) -> list[tuple[Any, Any]]:
    """(envelope, answer) of the feedback records answering our keys, once there are `expected` of them and both
    outboxes are relayed."""
    for _ in range(400):  # bounded only so a broken service fails instead of hanging
        pending = 0
        for pool in pools:
            pending += await pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        records = await read_to_end_as_admin(partner_feedback_topic(PARTNER))
        decoded = (decode_event(r.key, r.value, r.headers) for r in records)
        ours = [(e, a) for e, a in decoded if a.partner_event_id in keys]
        if len(ours) >= expected and not pending:
            return ours
        await asyncio.sleep(1.0)
    raise AssertionError(f"{len(ours)} answers of {expected}, {pending} outbox rows unsent")


def handed_back(app: Any, service: str) -> float:
    """Batches a service's consumers handed back to Kafka on a defect (`tdi_consumer_failures_total{defect}`)."""
    return float(app.state.runtime.metrics.failed.labels(service, "defect")._value.get())


async def read_to_end_as_admin(topic: str) -> list[Any]:
    return await read_to_end(os.environ["KAFKA_BOOTSTRAP_SERVERS"], topic)


async def test_thousands_of_partner_records_are_each_answered_once_and_only_the_valid_ones_applied(
    partner_platform, run_service
):
    stack, run = partner_platform, uuid.uuid4().hex[:8]
    territory, commune = f"tdi-44-fz-{run}", f"51{int(run, 16) % 1000:03d}"
    seed = int(run, 16)
    made = cases(run, territory, commune, total=TOTAL, seed=seed)
    oversize = Generator(f"{run}big", territory, commune, seed).valid()
    started = time.monotonic()
    async with (
        run_service(functools.partial(create_funding, group=consumer_group("funding")), "funding",
                    database_url=stack.database_url, db_schema=unique_name("fuzz_f"),
                    api_tokens={STAFF: "staff"}) as (funding, funding_api),
        run_service(functools.partial(create_vte, rules=VteRules(pseudonym_key="fuzz-key"),  # type: ignore[arg-type]
                                      consumer_group=consumer_group("vte")), "vte",
                    database_url=stack.database_url, db_schema=unique_name("fuzz_v")) as (vte, vte_api),
    ):  # fmt: skip
        pools = [funding.state.runtime.pool, vte.state.runtime.pool]
        await know_territory(*pools, territory, commune, name="Territoire du fuzz")
        positions = await publish(stack, made)
        refusal = await oversize_is_refused_by_the_broker(stack, oversize)
        published_s = time.monotonic() - started
        keys = {answer_key(c, positions[i]) for i, c in enumerate(made)}
        answered = await settled(pools, len(made), keys | {oversize.event_id})
        answers = [a for _, a in answered]
        answered_s = time.monotonic() - started
        ready = [(await api.get("/readyz")).status_code for api in (funding_api, vte_api)]
        retrying = [c.retrying for app in (funding, vte) for c in app.state.runtime.consumers]
        handed = handed_back(funding, "funding") + handed_back(vte, "vte")
        after = Generator(f"{run}after", territory, commune, seed)
        next_ones = [after.valid(FUNDING), after.valid(VTE)]
        await publish(stack, next_ones)
        next_answers = await settled(pools, 2, {c.event_id for c in next_ones if c.event_id})
        listed = await funding_api.get(
            "/applications",
            params={"territory_id": territory, "limit": 1},
            headers={"Authorization": f"Bearer {STAFF}"},
        )
        applied_files = {r["partner_reference"] for r in await pools[0].fetch(
            "SELECT partner_reference FROM applications WHERE territory_id = $1", territory)}  # fmt: skip
        applied_contracts = {r["contract_reference"] for r in await pools[1].fetch(
            "SELECT contract_reference FROM vte_contracts WHERE territory_id = $1", territory)}  # fmt: skip
    dead = [decode_event(r.key, r.value, r.headers)[1] for s in ("funding", "vte")
            for r in await read_to_end_as_admin(dlq_topic(consumer_group(s)))]  # fmt: skip

    expected: dict[str, list[str]] = defaultdict(list)
    for i, c in enumerate(made):
        expected[answer_key(c, positions[i])].append(c.expect or "ACCEPTED")
    observed: dict[str, list[str]] = defaultdict(list)
    for a in answers:
        observed[a.partner_event_id].append("ACCEPTED" if not hasattr(a, "code") else str(a.code))
    wrong = {k: (sorted(v), sorted(observed[k])) for k, v in expected.items() if sorted(v) != sorted(observed[k])}

    refused_at = {(c.topic, *positions[i]): c.expect for i, c in enumerate(made) if c.expect}
    ours = [d for d in dead if (d.original_topic, d.original_partition, d.original_offset) in refused_at]
    dead_codes = {(d.original_topic, d.original_partition, d.original_offset): str(d.code) for d in ours}
    valid = [c for c in made if c.expect is None and c.kind == "valid"]
    files = {f"FZ-{run}-D{c.event_id.rsplit('-', 1)[1]}" for c in valid if c.applies == "application"}
    contracts = {f"FZ-{run}-C{c.event_id.rsplit('-', 1)[1]}" for c in valid if c.applies == "vte_contract"}
    tally = Counter("ACCEPTED" if not hasattr(a, "code") else "REJECTED" for a in answers)
    print(f"\n[ingress fuzz] seed {seed}: {len(made)} records ({FUNDING}: {sum(c.topic == FUNDING for c in made)},"
          f" {VTE}: {sum(c.topic == VTE for c in made)}), {len(valid)} valid commands"
          f" ({len(files)} dossiers, {len(contracts)} VTE contracts), {len(refused_at)} broken;"
          f" answers {dict(tally)}, dead letters {len(ours)}; oversize refused by the broker ({refusal});"
          f" published in {published_s:.1f}s, all answered in {answered_s:.1f}s")  # fmt: skip
    print(f"[ingress fuzz] broken kinds: {dict(Counter(c.kind for c in made if c.expect).most_common())}")
    print(f"[ingress fuzz] refusal codes: {dict(Counter(refused_at.values()).most_common())}")
    controls = [c for c in made if c.kind in ("header_control", "text_control")]
    headers_hit = {c.meta["header"] for c in controls if "header" in c.meta}
    fields_hit = {(c.topic, c.meta["field"]) for c in controls if "field" in c.meta}
    print(f"[ingress fuzz] control cases: {len(controls)} ({len(headers_hit)} headers, {len(fields_hit)} text fields,"
          f" ways {sorted({c.meta['how'] for c in controls})}); after the fuzz: readyz {ready},"
          f" retrying {retrying}, batches handed back {handed}")  # fmt: skip
    causes = {(a.partner_event_id, e.causation_id) for e, a in answered}
    assert all(event_id == cause for event_id, cause in causes), [c for c in causes if c[0] != c[1]][:5]
    assert ready == [200, 200] and not any(retrying) and handed == 0
    assert sorted(getattr(a, "code", "ACCEPTED") for _, a in next_answers) == ["ACCEPTED", "ACCEPTED"]
    assert not wrong, f"{len(wrong)} records answered wrongly, e.g. {list(wrong.items())[:5]}"
    assert len(answers) == len(made)  # exactly one answer per record, none for the oversize one
    assert dead_codes == {position: code for position, code in refused_at.items()}
    assert all(d.reason for d in ours) and len(ours) == len(refused_at)  # each once, with its French reason
    assert applied_files == files | {f"FZ-{run}after-D1"}  # every valid command, nothing else; then the next one
    assert applied_contracts == contracts | {f"FZ-{run}after-C2"}
    assert listed.json()["total"] == len(files) + 1
    assert len(refused_at) > 1_500 and len(valid) > 1_000 and len(set(c.kind for c in made)) >= 30
