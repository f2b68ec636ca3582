"""The HTTP rules of the open data (issue 25), pure: conditional GET (ETag, If-None-Match, If-Modified-Since), whom
the rate limit counts, the short-lived bodies, and `updated_since` narrowing a list."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tdi_reporting.opendata.catalogue import DATASETS, changed_since
from tdi_reporting.opendata.conditional import Bodies, Body, client_key, etag, http_date, not_modified

sys.path.insert(0, str(Path(__file__).parent))
import opendata_fixture as fx

CHANGED = datetime(2026, 12, 6, 9, 30, 15, 250_000, tzinfo=UTC)


def test_a_matching_if_none_match_means_not_modified_whatever_if_modified_since_says():
    tag = etag(b"code_territoire\r\n")
    assert tag.startswith('"') and tag == etag(b"code_territoire\r\n") != etag(b"autre\r\n")
    assert not_modified({"if-none-match": tag}, tag, CHANGED)
    assert not_modified({"if-none-match": f'"x", W/{tag}'}, tag, CHANGED)
    assert not_modified({"if-none-match": "*"}, tag, CHANGED)
    assert not not_modified({"if-none-match": '"x"', "if-modified-since": http_date(CHANGED)}, tag, CHANGED)


def test_if_modified_since_answers_not_modified_only_when_the_data_is_not_newer_and_ignores_a_bad_date():
    assert http_date(CHANGED) == "Sun, 06 Dec 2026 09:30:15 GMT"
    assert not_modified({"if-modified-since": "Sun, 06 Dec 2026 09:30:15 GMT"}, '"t"', CHANGED)
    assert not not_modified({"if-modified-since": "Sun, 06 Dec 2026 09:30:14 GMT"}, '"t"', CHANGED)
    assert not not_modified({"if-modified-since": "hier\x00"}, '"t"', CHANGED)
    assert not not_modified({"if-modified-since": "Sun, 06 Dec 2026 09:30:15 GMT"}, '"t"', None)
    assert not not_modified({}, '"t"', CHANGED)


def test_the_rate_limit_counts_a_client_by_its_address_and_an_ipv6_client_by_its_64_network():
    assert client_key("203.0.113.9") == "203.0.113.9"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert client_key(None) == "unknown" and client_key("testclient") == "testclient"


def test_bodies_are_kept_for_their_time_to_live_and_the_least_recently_used_goes_first():
    clock = [0.0]
    bodies = Bodies(size=2, ttl_s=60, clock=lambda: clock[0])
    a, b, c = (Body(x, etag(x), 1) for x in (b"a", b"b", b"c"))
    bodies.put("a", a)
    bodies.put("b", b)
    assert bodies.get("a") is a
    bodies.put("c", c)  # "b" was used least recently
    assert (bodies.get("b"), bodies.get("a"), bodies.get("c")) == (None, a, c)
    clock[0] = 30.0
    bodies.put("a", a)  # put again: kept until 90
    clock[0] = 61.0
    assert (bodies.get("c"), bodies.get("a")) == (None, a)
    assert list(bodies.kept) == ["a"], "an expired body is dropped when met"


@pytest.mark.parametrize(
    ("slug", "since", "expected"),
    [
        ("territoires", datetime(2025, 1, 1, tzinfo=UTC), {"tdi-84-bugey-sud"}),
        ("territoires-epci", datetime(2025, 1, 1, tzinfo=UTC), {("tdi-84-bugey-sud", "200040350")}),
        ("territoires-communes", datetime(2025, 3, 1, 23, 59, tzinfo=UTC), {"01004"}),  # the same day is kept
        ("territoires-communes", datetime(2025, 3, 2, tzinfo=UTC), set()),
    ],
)
def test_updated_since_narrows_a_list_to_what_changed_at_or_after_that_instant(slug, since, expected):
    dataset = DATASETS[slug]
    rows = dataset.build(fx.sources())
    kept = changed_since(dataset, rows, since)
    key = list(dataset.primary_key)
    assert {r[key[0]] if len(key) == 1 else tuple(r[k] for k in key) for r in kept} == expected
    assert len(changed_since(dataset, rows, since - timedelta(days=3650))) == len(rows)


def test_an_updated_since_no_clock_can_hold_in_utc_is_refused_with_a_code_not_a_crash():
    from datetime import timezone

    from tdi_reporting.opendata.routes import _since
    from tdi_runtime.errors import DomainError

    with pytest.raises(DomainError) as refused:
        _since(DATASETS["territoires"], datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))
    assert (refused.value.code, refused.value.http_status) == ("INVALID_REQUEST", 422)
    assert "updated_since" in refused.value.message
    assert _since(DATASETS["territoires"], datetime(2025, 1, 1)) == datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(DomainError, match="listes"):
        _since(DATASETS["chiffres-par-region"], datetime(2025, 1, 1, tzinfo=UTC))
