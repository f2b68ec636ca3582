"""Conditional GET of the open data (RFC 9110): an `ETag` that is the digest of the body (the same on every replica,
after a restart, whatever the cache), `Last-Modified` the instant of the last change the files reflect; a matching
`If-None-Match` (or, without it, an `If-Modified-Since` not older than the data) answers 304 without a body.

Bodies are kept a short while per (dataset, form, filter, change cursor) (`Bodies`), so a file asked again costs no
recomputation until the data changes; the time-to-live bounds how long a change the cursor did not show (two fold
transactions committing out of order) can go unseen.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def etag(body: bytes) -> str:
    """A strong entity tag: the SHA-256 of the body, shortened."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _matches(if_none_match: str, tag: str) -> bool:
    """Weak comparison, as RFC 9110 asks of If-None-Match: `W/` is ignored on both sides; `*` matches."""
    candidates = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in candidates or tag.removeprefix("W/") in candidates


def not_modified(headers: Mapping[str, str], tag: str, modified: datetime | None) -> bool:
    """Whether the client's copy is current. If-None-Match wins; a malformed If-Modified-Since is ignored."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return _matches(if_none_match, tag)
    since = headers.get("if-modified-since")
    if not since or modified is None:
        return False
    try:
        asked = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if asked.tzinfo is None:
        asked = asked.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= asked


def client_key(host: str | None) -> str:
    """Whom a rate limit counts: the client's address; an IPv6 client by its /64 (one subscriber's network, where
    a caller could take a new address for each request)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class Body:
    content: bytes
    tag: str
    cursor: int


class Bodies:
    """The last `size` bodies built, each for `ttl_s` seconds (least recently used dropped first)."""

    def __init__(self, size: int, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.size, self.ttl_s, self.clock = size, ttl_s, clock
        self.kept: OrderedDict[Hashable, tuple[float, Body]] = OrderedDict()

    def get(self, key: Hashable) -> Body | None:
        found = self.kept.get(key)
        if found is None or found[0] < self.clock():
            self.kept.pop(key, None)
            return None
        self.kept.move_to_end(key)
        return found[1]

    def put(self, key: Hashable, body: Body) -> None:
        self.kept[key] = (self.clock() + self.ttl_s, body)
        self.kept.move_to_end(key)
        while len(self.kept) > self.size:
            self.kept.popitem(last=False)
