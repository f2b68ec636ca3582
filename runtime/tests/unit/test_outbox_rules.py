"""Outbox rules that need no database: shards keep one aggregate together; writes need a transaction."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_runtime.outbox import (
    CONTRACT_TOPICS,
    Outbox,
    OutboxRecordRefusedError,
    OutgoingMessage,
    record_bytes,
    shard_of,
)


@given(st.binary(min_size=1, max_size=40), st.integers(min_value=1, max_value=64))
def test_one_aggregate_always_lands_in_the_same_shard_within_range(key, shards):
    assert shard_of(key, shards) == shard_of(bytes(key), shards)
    assert 0 <= shard_of(key, shards) < shards


class _NoTransaction:
    def is_in_transaction(self):
        return False


async def test_an_outbox_write_outside_a_transaction_is_refused():
    message = OutgoingMessage("tdi.test.v1", b"ti-1", b"{}", (), "e1")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        await Outbox().add(_NoTransaction(), [message])


@settings(max_examples=150)
@given(
    st.one_of(st.none(), st.binary(max_size=60)),
    st.binary(max_size=5000),
    st.lists(st.tuples(st.text(min_size=1, max_size=20), st.binary(max_size=200)), max_size=12),
)
def test_the_size_the_outbox_checks_is_never_below_what_the_producer_and_the_broker_count(key, value, headers):
    from aiokafka.record.default_records import DefaultRecordBatchBuilder

    kafka_counts = DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, headers)
    assert record_bytes(key, value, headers) >= kafka_counts


def test_only_topics_of_the_contracts_and_dead_letter_topics_are_publishable():
    from tdi_contracts.topics import ALL_TOPICS, dlq_topic

    assert all(CONTRACT_TOPICS.limit_of(t.name) == t.max_message_bytes for t in ALL_TOPICS)
    assert CONTRACT_TOPICS.limit_of(dlq_topic("tdi-any-group")) is not None
    assert CONTRACT_TOPICS.limit_of("tdi.territory.territoire.v1") is None  # a typo is not a topic


def test_a_message_over_its_topic_limit_or_to_an_undeclared_topic_is_refused_with_its_code():
    outbox = Outbox(topics=CONTRACT_TOPICS.with_topics({"tdi.small.v1": 1000}))
    fits = OutgoingMessage("tdi.small.v1", b"ti-1", b"x" * 500, (("ce_type", b"t"),), "e1")
    outbox.check([fits])
    for message, code in [
        (OutgoingMessage("tdi.small.v1", b"ti-1", b"x" * 1000, (("ce_type", b"t"),), "e2"), "OUTBOX_RECORD_TOO_LARGE"),
        (OutgoingMessage("tdi.nowhere.v1", b"ti-1", b"{}", (("ce_type", b"t"),), "e3"), "UNKNOWN_TOPIC"),
    ]:
        with pytest.raises(OutboxRecordRefusedError) as refused:
            outbox.check([fits, message])
        assert refused.value.code == code and refused.value.http_status == 422


def test_the_local_stack_and_the_relay_producer_use_the_topics_declared_max_message_bytes():
    from tdi_contracts.topics import ALL_TOPICS
    from tdi_localstack.provisioning import catalogue
    from tdi_runtime.kafka import PRODUCER_SETTINGS

    assert {name: cfg["max.message.bytes"] for name, _, cfg in catalogue()} == {
        t.name: str(t.max_message_bytes) for t in ALL_TOPICS
    }
    assert PRODUCER_SETTINGS["max_request_size"] == max(t.max_message_bytes for t in ALL_TOPICS)


def test_an_outgoing_message_carries_its_headers_as_the_bytes_kafka_sends():
    """Encoded once, when the event is: the outbox stores them and the relay sends them as they are."""
    from tdi_contracts.events.territory import EpciJoined
    from tdi_runtime.events import outgoing
    from tdi_runtime.testing import example_payload

    m = outgoing(example_payload(EpciJoined), "territory")
    assert m.headers and all(isinstance(k, str) and isinstance(v, bytes) for k, v in m.headers)
    assert dict(m.headers)["ce_type"] == b"fr.territoires-industrie.territory.EpciJoined.v1"
