"""Every record a partner can send gets its answer, and building that answer never stops the batch.

A reason or a field error may quote anything a partner sent (line breaks, NUL, escape sequences, megabytes):
it is made safe before it enters a dead letter or a `PartnerEventRejected`. Should building them fail anyway,
a fallback quoting only the record's place and the code's fixed French sentence is sent, and the error logged.
An in-memory connection stands for PostgreSQL (memory_db); the integration suites use the real servers.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from memory_db import MemoryPool, NoKafka
from partner_records import GROUP, VTE_INGRESS, answers, contract_record, dead_letters, vte_consumer
from pydantic import TypeAdapter
from structlog.testing import capture_logs

from tdi_contracts.envelope import REASONS, ErrorCode
from tdi_contracts.fields import FrenchSentence
from tdi_runtime import consumer as consumer_module
from tdi_runtime import partners as partners_module
from tdi_runtime.deadletters import dead_letter
from tdi_runtime.delivery import Violation, decode_record
from tdi_runtime.errors import DomainError
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.pipeline import UnitOfWork

SENTENCE = TypeAdapter(FrenchSentence)


async def test_a_rejection_quoting_a_line_break_and_a_nul_is_answered_and_the_next_event_applied():
    pool, applied = MemoryPool(), []

    async def refuse_the_first(command: Any, uow: UnitOfWork) -> None:
        if uow.cause.id == "BPI-EVT-1":
            raise DomainError(ErrorCode.UNKNOWN_AGGREGATE, "Le contrat « Record\nVteContract\x00 » est inconnu.")
        applied.append(uow.cause.id)

    consumer = vte_consumer(pool, refuse_the_first)
    records = [contract_record(0, "BPI-EVT-1"), contract_record(1, "BPI-EVT-2", contract_reference="BPI-VTE-2")]
    assert await consumer.handle_batch(records, NoKafka())
    assert applied == ["BPI-EVT-2"]
    [refused, accepted] = answers(pool)
    assert refused["code"] == "UNKNOWN_AGGREGATE"
    assert (
        refused["reason"]
        == f"{REASONS[ErrorCode.UNKNOWN_AGGREGATE]} Le contrat « Record\\nVteContract\\x00 » est inconnu."
    )
    assert "code" not in accepted
    [letter] = dead_letters(pool)
    assert letter["reason"] == refused["reason"] == letter["_headers"]["tdi_dlq_reason"]


@settings(max_examples=60, deadline=None)
@given(
    reason=st.text(max_size=2000),
    path=st.text(max_size=600),
    code=st.text(max_size=200),
    message=st.text(max_size=800),
)
def test_any_reason_and_field_error_a_violation_may_quote_make_a_valid_dead_letter_and_answer(
    reason: str, path: str, code: str, message: str
):
    delivery = decode_record(contract_record(0))
    violation = Violation(
        "INVALID_PAYLOAD", reason, {"field_errors": [{"path": path, "code": code, "message": message}]}
    )
    letter = dead_letter(delivery, GROUP, violation.code, violation.reason)
    [answer] = PartnerIngressFeedback("vte").rejected(delivery, violation)
    body = json.loads(answer.value)
    SENTENCE.validate_python(body["reason"])
    SENTENCE.validate_python(body["field_errors"][0]["message"])
    SENTENCE.validate_python(json.loads(letter.value)["reason"])
    assert all(b"\x00" not in v for _, v in letter.headers + answer.headers)


async def test_when_building_the_answers_fails_a_fallback_quoting_the_place_is_sent_and_logged(monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("forced failure while building an answer")

    monkeypatch.setattr(consumer_module, "dead_letter", broken)
    monkeypatch.setattr(partners_module.PartnerFeedback, "rejected", broken)
    pool, applied = MemoryPool(), []

    async def record(command: Any, uow: UnitOfWork) -> None:
        applied.append(uow.cause.id)

    malformed = contract_record(5, "BPI-EVT-1")
    malformed.value = b"{not json"
    records = [malformed, contract_record(6, "BPI-EVT-2", contract_reference="BPI-VTE-2")]
    with capture_logs() as logs:
        assert await vte_consumer(pool, record).handle_batch(records, NoKafka())

    assert applied == ["BPI-EVT-2"]
    place = f"{VTE_INGRESS}/1/5"
    [refused, _accepted] = answers(pool)
    assert (refused["partner_event_id"], refused["code"]) == (place, "MALFORMED_JSON")
    assert refused["reason"] == REASONS[ErrorCode.MALFORMED_JSON]
    assert refused["_headers"]["ce_causationid"] == place
    [letter] = dead_letters(pool)
    assert (letter["code"], letter["reason"]) == ("MALFORMED_JSON", REASONS[ErrorCode.MALFORMED_JSON])
    assert (letter["original_topic"], letter["original_partition"], letter["original_offset"]) == (VTE_INGRESS, 1, 5)
    assert letter["_headers"]["tdi_dlq_code"] == "MALFORMED_JSON"
    failures = [e for e in logs if e["event"] == "answer_build_failed"]
    assert {e["answer"] for e in failures} == {"dead_letter", "feedback"}
    assert all(e["place"] == place for e in failures)


async def test_an_answer_that_cannot_be_built_even_as_a_fallback_never_stops_the_batch(monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("forced failure")

    for name in ("dead_letter", "fallback_dead_letter"):
        monkeypatch.setattr(consumer_module, name, broken)
    monkeypatch.setattr(partners_module.PartnerFeedback, "rejected", broken)
    monkeypatch.setattr(partners_module.PartnerFeedback, "rejected_fallback", broken)
    pool = MemoryPool()
    malformed = contract_record(5)
    malformed.value = b""
    with capture_logs() as logs:
        assert await vte_consumer(pool).handle_batch([malformed, contract_record(6, "BPI-EVT-2")], NoKafka())
    assert [a.get("code", "ACCEPTED") for a in answers(pool)] == ["ACCEPTED"]
    assert pool.conn.inbox == [(f"{VTE_INGRESS}/1/5", "rejected"), ("BPI-EVT-2", "applied")]
    assert any(e["event"] == "answer_lost" for e in logs)


async def test_an_acceptance_that_cannot_be_built_rolls_the_event_back_as_an_internal_error(monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("forced failure")

    monkeypatch.setattr(partners_module.PartnerFeedback, "accepted", broken)
    pool = MemoryPool()
    with capture_logs():
        assert await vte_consumer(pool).handle_batch([contract_record(0, "BPI-EVT-1")], NoKafka())
    assert [a.get("code", "ACCEPTED") for a in answers(pool)] == ["INTERNAL_ERROR"]
    assert pool.conn.inbox == [("BPI-EVT-1", "rejected")]


async def test_a_nul_in_a_payload_is_one_rejection_naming_the_field_and_the_next_event_of_the_batch_is_applied():
    pool, applied = MemoryPool(), []

    async def record(command: Any, uow: UnitOfWork) -> None:
        applied.append(uow.cause.id)

    nul = contract_record(0, "BPI-EVT-1")
    document = json.loads(nul.value)
    document["candidate"]["candidate_reference"] = "BPI\u0000CAND"
    nul.value = json.dumps(document).encode()
    batch = [nul, contract_record(1, "BPI-EVT-2", contract_reference="BPI-VTE-2")]
    assert await vte_consumer(pool, record).handle_batch(batch, NoKafka())
    assert applied == ["BPI-EVT-2"]
    [refused, accepted] = answers(pool)
    assert (refused["partner_event_id"], refused["code"]) == ("BPI-EVT-1", "INVALID_PAYLOAD")
    assert [(e["path"], e["code"]) for e in refused["field_errors"]] == [
        ("candidate.candidate_reference", "control_character")
    ]
    assert "code" not in accepted
