"""The delivery plan of a webhook subscription (issue 25): stream order across events and alerts, batches, the same
batch again on a retry, cursors, and when a failing subscription is disabled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tdi_reporting.options import ReportingOptions
from tdi_reporting.webhooks.stream import ALERT, EVENT, Entry, Position, message_id, parse_cursor, plan_batch
from tdi_reporting.webhooks.worker import Rules
from tdi_runtime.doors.webhooks import Outcome
from tdi_runtime.errors import DomainError


def entry(tick: int, src: int, seq: int) -> Entry:
    return Entry(Position(tick, src, seq), {"cursor": str(Position(tick, src, seq))})


def test_events_and_alerts_are_planned_in_tick_order_whatever_order_they_were_read():
    read = [entry(3, ALERT, 1), entry(2, EVENT, 17), entry(2, EVENT, 9), entry(4, EVENT, 12), entry(3, EVENT, 10)]
    planned = plan_batch(read, Position(0, 0, 0), None, 10)
    assert [str(e.position) for e in planned] == ["2.0.9", "2.0.17", "3.0.10", "3.1.1", "4.0.12"]


def test_a_batch_holds_at_most_the_batch_size_and_nothing_at_or_before_the_cursor():
    read = [entry(t, EVENT, t * 10) for t in range(1, 30)]
    planned = plan_batch(read, Position(5, EVENT, 50), None, 4)
    assert [e.position.tick for e in planned] == [6, 7, 8, 9]


def test_a_retried_batch_is_exactly_the_batch_first_tried_even_when_more_events_arrived():
    first = plan_batch([entry(1, EVENT, 1), entry(1, EVENT, 2)], Position(0, 0, 0), None, 10)
    later = [entry(1, EVENT, 1), entry(1, EVENT, 2), entry(2, EVENT, 3), entry(2, ALERT, 1)]
    again = plan_batch(later, Position(0, 0, 0), first[-1].position, 10)
    assert again == first
    assert message_id("s-1", again) == message_id("s-1", first)


def test_a_cursor_reads_back_as_the_position_it_names_and_a_bad_one_is_refused_in_french():
    assert parse_cursor(str(Position(12, ALERT, 7))) == Position(12, ALERT, 7)
    assert parse_cursor(None) == parse_cursor("0") == Position(0, 0, 0)
    with pytest.raises(DomainError) as refused:
        parse_cursor("12;DROP")
    assert refused.value.code == "INVALID_REQUEST" and "curseur" in str(refused.value)


def test_a_new_subscription_starts_after_every_row_of_the_committed_tick():
    start = Position.after_tick(8)
    assert Position(8, EVENT, 10**12) < start < Position(9, EVENT, 0)
    assert Position(8, ALERT, 10**12) < start


NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
FAILED = Outcome(False, 500, "HTTP 500", 3)


def test_a_failure_is_retried_within_the_backoff_bounds():
    rules = Rules.of(ReportingOptions(webhook_backoff_base_s=5, webhook_backoff_cap_s=60))
    for attempt in range(1, 8):
        next_at, reason = rules.after_failure(attempt, NOW, NOW, FAILED)
        ceiling = rules.backoff.ceiling(attempt)
        assert reason is None and next_at is not None
        assert ceiling / 2 <= (next_at - NOW).total_seconds() <= ceiling


def test_a_longer_retry_after_of_the_receiver_is_honoured_up_to_the_cap():
    rules = Rules.of(ReportingOptions(webhook_backoff_base_s=1, webhook_backoff_cap_s=120))
    next_at, _ = rules.after_failure(1, NOW, NOW, Outcome(False, 429, "HTTP 429", 3, retry_after_s=90))
    assert next_at == NOW + timedelta(seconds=90)
    next_at, _ = rules.after_failure(1, NOW, NOW, Outcome(False, 503, "HTTP 503", 3, retry_after_s=10**6))
    assert next_at == NOW + timedelta(seconds=120)


def test_a_subscription_failing_past_the_time_limit_or_the_attempt_limit_or_gone_is_disabled():
    by_time = Rules.of(ReportingOptions(webhook_disable_after_s=86_400))
    assert by_time.after_failure(3, NOW - timedelta(hours=23), NOW, FAILED)[1] is None
    assert by_time.after_failure(3, NOW - timedelta(hours=24), NOW, FAILED)[0] is None
    by_attempts = Rules.of(ReportingOptions(webhook_disable_after_attempts=4))
    assert by_attempts.after_failure(3, NOW, NOW, FAILED)[1] is None
    assert "4 tentatives" in (by_attempts.after_failure(4, NOW, NOW, FAILED)[1] or "")
    assert "410" in (by_time.after_failure(1, NOW, NOW, Outcome(False, 410, "HTTP 410", 3))[1] or "")
