"""Every topic a partner can grow is bounded by bytes and by time (issue 22 #8): a partner flooding its ingress
topic fills a bounded space, its own; the platform's history (domain topics) is never cut by size."""

from tdi_contracts.topics import (
    ALL_TOPICS,
    BROKER_DISK_BUDGET_BYTES,
    DLQ_TOPICS,
    DOMAIN_TOPICS,
    FOREVER,
    PARTNER_FEEDBACK_TOPICS,
    PARTNER_INGRESS_TOPICS,
    PROGRAMME_DAILY_EVENTS,
    TERRITORY_REFERENCE,
    UNBOUNDED,
    bounded_bytes,
)

PARTNER_GROWN = (*PARTNER_INGRESS_TOPICS, *PARTNER_FEEDBACK_TOPICS, *DLQ_TOPICS)
"""Topics whose volume a partner decides: its ingress, the answers to it, the dead letters of what it sent."""


def test_every_topic_a_partner_can_grow_is_bounded_by_bytes_and_by_time() -> None:
    for spec in PARTNER_GROWN:
        config = spec.config()
        assert int(config["retention.bytes"]) > 0 and int(config["retention.ms"]) > 0, spec.name
        # Kafka deletes whole closed segments only: a segment as large as the bound would never be cut.
        assert int(config["segment.bytes"]) * 4 <= int(config["retention.bytes"]), spec.name
        assert spec.max_message_bytes < int(config["segment.bytes"]), spec.name


def test_the_bounds_hold_a_month_of_the_programmes_volume_on_one_partner() -> None:
    """A few thousand events a day (PROGRAMME_DAILY_EVENTS, ~2 KiB each) all sent by one partner for the whole
    retention fit in its ingress topic's bound: the byte limit only bites on abuse."""
    for spec in (*PARTNER_INGRESS_TOPICS, *PARTNER_FEEDBACK_TOPICS):
        days = spec.retention_ms // (24 * 3600 * 1000)
        per_partition = PROGRAMME_DAILY_EVENTS * 2048 * days // spec.partitions
        assert per_partition <= spec.retention_bytes, spec.name


def test_the_brokers_disk_needed_by_every_bounded_topic_stays_within_the_budget() -> None:
    assert bounded_bytes(ALL_TOPICS) <= BROKER_DISK_BUDGET_BYTES
    assert bounded_bytes(PARTNER_INGRESS_TOPICS) > 0


def test_history_is_never_cut_by_size_and_the_reference_is_compacted() -> None:
    for spec in DOMAIN_TOPICS:
        assert spec.config()["retention.bytes"] == str(UNBOUNDED), spec.name
        assert spec.retention_ms == FOREVER, spec.name
    assert TERRITORY_REFERENCE.config()["cleanup.policy"] == "compact"
    # compaction only cleans closed segments: a small segment lets it run at the programme's volume
    assert int(TERRITORY_REFERENCE.config()["segment.bytes"]) <= 16 * 1024 * 1024


def test_every_topic_belongs_to_a_documented_class() -> None:
    assert {spec.kind.name for spec in ALL_TOPICS} == {"domain", "compacted", "ingress", "feedback", "dead-letters"}
