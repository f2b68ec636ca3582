"""How a date names a moment (figures as of any date, issue 26): a date is the end of that day in Paris."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tdi_reporting.asof import AsOf, Situation
from tdi_runtime.errors import DomainError


def test_a_date_means_the_end_of_that_day_in_paris_winter_and_summer_time():
    assert AsOf.parse("2024-03-15").instant == datetime(2024, 3, 15, 22, 59, 59, 999_999, tzinfo=UTC)  # UTC+1
    assert AsOf.parse("2024-07-14").instant == datetime(2024, 7, 14, 21, 59, 59, 999_999, tzinfo=UTC)  # UTC+2
    assert AsOf.parse("2024-03-30").instant == datetime(2024, 3, 30, 22, 59, 59, 999_999, tzinfo=UTC)  # the clocks
    assert AsOf.parse("2024-03-31").instant == datetime(2024, 3, 31, 21, 59, 59, 999_999, tzinfo=UTC)  # change


def test_a_time_without_an_offset_is_paris_time_and_an_offset_is_kept():
    assert AsOf.parse("2024-03-15T10:30").instant == datetime(2024, 3, 15, 9, 30, tzinfo=UTC)
    assert AsOf.parse("2024-03-15 10:30:05").instant == datetime(2024, 3, 15, 9, 30, 5, tzinfo=UTC)
    assert AsOf.parse("2024-03-15T10:30:00Z").instant == datetime(2024, 3, 15, 10, 30, tzinfo=UTC)
    assert AsOf.parse("2024-03-15T10:30:00.123456+05:00").instant == datetime(
        2024, 3, 15, 5, 30, 0, 123_456, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text", ["hier", "2024-02-30", "15/03/2024", "2024-03-15T25:00", "2024-03-15T10:30+1", "9999-12-31", "0000-01-01"]
)
def test_an_unreadable_date_is_invalid_request_with_a_french_sentence(text):
    with pytest.raises(DomainError) as refused:
        AsOf.parse(text)
    assert refused.value.code == "INVALID_REQUEST"
    assert "date de situation" in refused.value.message and refused.value.details == {"field": "as_of"}


def test_a_situation_says_its_tick_its_instant_and_what_was_asked():
    asked = AsOf.parse("2024-03-15")
    at = datetime(2024, 3, 15, 9, 0, tzinfo=UTC)
    assert Situation(7, at, asked).as_json() == {
        "tick": 7,
        "instant": "2024-03-15T09:00:00+00:00",
        "demande": "2024-03-15",
        "jusqu_a": "2024-03-15T22:59:59.999999+00:00",
        "definitive": True,
    }
    assert Situation(0, None).as_json() == {"tick": 0, "instant": None}
    assert AsOf.parse("2999-01-01").instant > datetime.now(UTC)
    assert Situation(9, at, AsOf.parse("2999-01-01")).as_json()["definitive"] is False  # still to come
