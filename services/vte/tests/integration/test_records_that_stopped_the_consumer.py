"""On the real stack: records an outside client sent to Bpifrance's VTE ingress topic that once stopped the vte
consumer for good (issue 22 #1, issue 23). Each now gets one rejection with a code, the valid contract sent
next with the same key is applied, and the consumer stays ready throughout."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from test_bpifrance_to_aid import answers_for, signed
from vte_bpifrance import bpifrance_record, publish_as_bpifrance

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

THE_REPORTED_TYPE = b"fr.territoires-industrie.vte.Record\nVteContract.v2"


@contextlib.asynccontextmanager
async def readiness_watched(client: Any, app: Any) -> AsyncIterator[list[str]]:
    """Every `/readyz` answer while the block runs (and one at its end), as '200' or '503: <why>'."""
    seen: list[str] = []
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            answer = await client.get("/readyz")
            seen.append("200" if answer.status_code == 200 else f"{answer.status_code}: {answer.text}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.2)

    task = asyncio.create_task(watch())
    try:
        yield seen
    finally:
        stop.set()
        await task
        answer = await client.get("/readyz")
        seen.append("200" if answer.status_code == 200 else f"{answer.status_code}: {answer.text}")


def failed_batches(app: Any) -> float:
    """Batches the consumers handed back to Kafka on a defect (`tdi_consumer_failures_total{stage="defect"}`)."""
    sample = app.state.runtime.metrics.failed.labels("vte", "defect")
    return float(sample._value.get())


async def test_a_type_with_a_line_break_gets_one_rejection_and_the_next_contract_with_its_key_is_applied(
    vte_service, platform_stack
):
    async with vte_service() as (app, client, territory_id, _group, commune):
        reference = f"BPI-VTE-NL-{uuid.uuid4().hex[:8]}"
        bad_id, key, value, headers = bpifrance_record(signed(reference, territory_id, commune))
        broken = (bad_id, key, value, [(n, THE_REPORTED_TYPE if n == "ce_type" else v) for n, v in headers])
        good = bpifrance_record(signed(reference, territory_id, commune))
        assert good[1] == key  # the same Kafka key: the contract reference
        async with readiness_watched(client, app) as readiness:
            await publish_as_bpifrance(platform_stack.bootstrap_servers, [broken, good])
            answers = await answers_for(platform_stack.bootstrap_servers, {bad_id, good[0]})
        recorded = await app.state.runtime.pool.fetch(
            "SELECT contract_reference FROM vte_contracts WHERE territory_id = $1", territory_id
        )
        by_id = {a.partner_event_id: a for a in answers}
        print(f"\n[stopped consumer] answers {[(i, getattr(a, 'code', 'ACCEPTED')) for i, a in by_id.items()]}")
        assert len(answers) == 2
        assert by_id[bad_id].code == "INVALID_HEADER"
        assert [e.path for e in by_id[bad_id].field_errors] == ["ce_type"]
        assert not hasattr(by_id[good[0]], "code"), "the valid contract with the same key is applied"
        assert [r["contract_reference"] for r in recorded] == [reference]
        assert set(readiness) == {"200"}, readiness
        assert failed_batches(app) == 0


def _headers(record: tuple[str, bytes | None, bytes, Any], name: str, value: bytes | None) -> Any:
    """The record with header `name` set to `value` (added if absent; None: a header with a null value)."""
    event_id, key, payload, headers = record
    kept = [(n, v) for n, v in headers if n != name]
    return event_id, key, payload, [*kept, (name, value)]


async def test_headers_faststream_could_not_decode_reach_the_kit_and_each_record_gets_one_answer(
    vte_service, platform_stack
):
    """Issue 23: a header value that is not UTF-8, holds a NUL, is null or is huge, on a `ce_*` header (refused
    with a code) or on another header (carried along: the command is applied)."""
    async with vte_service() as (app, client, territory_id, _group, commune):
        run = uuid.uuid4().hex[:8]

        def contract(n: int) -> Any:
            return bpifrance_record(signed(f"BPI-VTE-H{n}-{run}", territory_id, commune))

        cases = {
            "ce_subject not UTF-8": (_headers(contract(1), "ce_subject", b"\xff\xfeBPI"), "INVALID_HEADER"),
            "ce_subject with a NUL": (_headers(contract(2), "ce_subject", b"BPI\x00VTE"), "INVALID_HEADER"),
            "ce_subject null": (_headers(contract(3), "ce_subject", None), "INVALID_HEADER"),
            "ce_subject huge": (_headers(contract(4), "ce_subject", b"B" * 300_000), "INVALID_HEADER"),
            "other header not UTF-8": (_headers(contract(5), "x-erp-trace", b"\xc3\x28\xff"), "ACCEPTED"),
            "other header with a NUL": (_headers(contract(6), "x-erp-trace", b"a\x00b"), "ACCEPTED"),
            "other header null": (_headers(contract(7), "x-erp-trace", None), "ACCEPTED"),
            "other header huge": (_headers(contract(8), "x-erp-trace", b"t" * 300_000), "ACCEPTED"),
            "valid": (contract(9), "ACCEPTED"),
        }
        sent = [record for record, _ in cases.values()]
        async with readiness_watched(client, app) as readiness:
            await publish_as_bpifrance(platform_stack.bootstrap_servers, sent)
            answers = await answers_for(platform_stack.bootstrap_servers, {r[0] for r in sent})
        got = {a.partner_event_id: getattr(a, "code", "ACCEPTED") for a in answers}
        outcome = {kind: got[record[0]] for kind, (record, _) in cases.items()}
        print(f"\n[headers] {outcome}")
        assert outcome == {kind: expected for kind, (_, expected) in cases.items()}
        assert len(answers) == len(sent)  # exactly one answer each
        assert set(readiness) == {"200"}, readiness
        assert failed_batches(app) == 0


async def test_a_nul_in_a_contract_gets_one_rejection_naming_the_field_and_the_next_event_of_the_batch_is_applied(
    vte_service, platform_stack
):
    """Issue 21: a NUL byte in a partner's payload is refused where the contracts decode it (never an asyncpg
    error, never a stuck batch), with the field's path and the code `control_character`."""
    async with vte_service() as (app, client, territory_id, _group, commune):
        run = uuid.uuid4().hex[:8]
        bad_id, key, value, headers = bpifrance_record(signed(f"BPI-VTE-N1-{run}", territory_id, commune))
        document = json.loads(value)
        document["candidate"]["candidate_reference"] = "BPI-CAND\u0000-1"
        nul = (bad_id, key, json.dumps(document).encode(), headers)
        good = bpifrance_record(signed(f"BPI-VTE-N2-{run}", territory_id, commune))
        async with readiness_watched(client, app) as readiness:
            await publish_as_bpifrance(platform_stack.bootstrap_servers, [nul, good])
            answers = await answers_for(platform_stack.bootstrap_servers, {bad_id, good[0]})
        by_id = {a.partner_event_id: a for a in answers}
        refused = by_id[bad_id]
        assert (refused.code, [(e.path, e.code) for e in refused.field_errors]) == (
            "INVALID_PAYLOAD",
            [("candidate.candidate_reference", "control_character")],
        )
        assert "U+0000" in refused.field_errors[0].message
        assert not hasattr(by_id[good[0]], "code")
        assert len(answers) == 2 and set(readiness) == {"200"}
