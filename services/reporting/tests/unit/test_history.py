"""Every event reporting applies is kept with the facts its fold wrote (issue 26): the facts are read from the folds'
own writes, so every fold of every event type must name at least one fact, and rows that belong to another fact
(a payment of a grant) name it too."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

from tdi_contracts.base import SPECS
from tdi_contracts.registry import payload_model_for
from tdi_contracts.wire import encode_event, envelope_for
from tdi_reporting.folding import SYSTEM
from tdi_reporting.handlers import registry_for
from tdi_reporting.history import EVENT_LOG_SQL, facts_of
from tdi_reporting.repositories import ReportingUnitOfWork
from tdi_runtime.delivery import Delivery, decode_record
from tdi_runtime.testing import example_payload


def _delivery(event_type: str) -> Delivery:
    payload = example_payload(payload_model_for(event_type))
    service = SPECS[event_type].service
    producer = "platform" if service == "partners" else service  # the kit answers partners as the platform
    key, value, headers = encode_event(envelope_for(payload, producer), payload)
    record = SimpleNamespace(topic="t", partition=1, offset=42, key=key, value=value, headers=headers)
    delivery = decode_record(record)
    assert delivery.violation is None, delivery.violation
    return delivery


async def test_every_fold_keeps_its_event_with_its_place_hash_and_the_facts_it_wrote():
    folds = registry_for()
    for event_type in sorted(folds.types):
        delivery = _delivery(event_type)
        uow = ReportingUnitOfWork(conn=None, caller=SYSTEM)  # type: ignore[arg-type]  # writes are only deferred
        uow.begin(SYSTEM, delivery)
        fold = folds.for_type(event_type)
        assert fold is not None
        await fold.handler(delivery.payload, uow)
        [logged] = uow.deferred[EVENT_LOG_SQL]
        row: dict[str, Any] = dict(zip(_columns(), logged, strict=True))
        assert (row["topic"], row["partition"], row["offset"]) == ("t", 1, 42), event_type
        assert (row["type"], row["event_id"]) == (event_type, delivery.envelope.id)
        assert row["payload"] == delivery.value
        assert row["payload_sha256"] == hashlib.sha256(delivery.value).digest()
        assert row["facts"], f"{event_type}: its fold's writes name no fact"


def test_a_row_that_belongs_to_another_fact_names_it():
    from tdi_reporting.folds_funding import _PAYMENT, _RELEASE

    assert facts_of(_PAYMENT, ("p1", "g1", "tdi-44-grand-reims", 5)) == ["rm_payment:p1", "rm_payment>rm_grant:g1"]
    assert facts_of(_RELEASE, ("e1", "g1", "t", "env", 5)) == [
        "rm_grant_release:e1",
        "rm_grant_release>rm_grant:g1",
        "rm_grant_release>rm_envelope:env",
    ]


def test_a_write_of_two_key_columns_names_both_and_an_unknown_statement_names_nothing():
    from tdi_reporting.folds_vte import _HOUSING

    assert facts_of(_HOUSING, ("c1", "AL-7", "t", 100))[0] == "rm_vte_housing_aid:c1/AL-7"
    assert facts_of("UPDATE rm_grant SET x = 1", ()) == []
    assert facts_of("INSERT INTO somewhere_else (a) VALUES ($1)", ("x",)) == []


def _columns() -> list[str]:
    head = EVENT_LOG_SQL.split("(", 1)[1].split(")", 1)[0]
    return [c.strip().strip('"') for c in head.split(",")]


async def test_an_event_folded_again_after_a_rolled_back_savepoint_is_kept_once_with_its_facts():
    folds = registry_for()
    delivery = _delivery("fr.territoires-industrie.funding.PaymentMade.v1")
    fold = folds.for_type(delivery.event_type)
    assert fold is not None
    uow = ReportingUnitOfWork(conn=None, caller=SYSTEM)  # type: ignore[arg-type]  # writes are only deferred
    uow.begin(SYSTEM, delivery)
    await fold.handler(delivery.payload, uow)
    uow.discard()  # the kit's careful path: the savepoint rolled back, the event is folded again
    uow.begin(SYSTEM, delivery)
    await fold.handler(delivery.payload, uow)
    [logged] = uow.deferred[EVENT_LOG_SQL]
    facts = dict(zip(_columns(), logged, strict=True))["facts"]
    assert facts[0].startswith("rm_payment:") and facts[1].startswith("rm_payment>rm_grant:")
    assert len(facts) == len(set(facts)) == 2


async def test_a_replay_folds_without_keeping_the_events_in_the_history():
    folds = registry_for()
    delivery = _delivery("fr.territoires-industrie.funding.PaymentMade.v1")
    fold = folds.for_type(delivery.event_type)
    assert fold is not None
    uow = ReportingUnitOfWork(conn=None, caller=SYSTEM, history=False)  # type: ignore[arg-type]
    uow.begin(SYSTEM, delivery)
    await fold.handler(delivery.payload, uow)
    assert EVENT_LOG_SQL not in uow.deferred
    assert [sql.split("(")[0].strip() for sql in uow.deferred] == ["INSERT INTO rm_payment"]
