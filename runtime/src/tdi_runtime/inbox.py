"""The inbox: which events a consumer group already handled, recorded in the transaction of their effect.

An event is known by (source, id): CloudEvents makes only that pair unique, so two partners may both send
an event `42`. Rows written before the source was kept (migration 0003) have source '' and stand for any
source, until retention purges them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json

from tdi_runtime.db import Connection

Key = tuple[str, str]
"""(source, event id): what makes an event unique."""

LEGACY_SOURCE = ""


def digest(value: bytes | None) -> str:
    return hashlib.sha256(value or b"").hexdigest()[:32]


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""What `json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` builds on every call."""


def content_digest(value: bytes | None) -> str | None:
    """The digest of a JSON value's content, whatever its spacing and key order (sorted keys, no spaces, UTF-8):
    the same event sent as bytes of its own (Kafka) and re-serialised (the HTTP door) is the same content.
    None for a value that is not JSON (it never reaches a handler anyway).

    Read by pydantic-core's parser (several times faster than `json.loads`, the same document); what it refuses and
    `json.loads` reads (a BOM, UTF-16, an escaped lone surrogate) is read by `json.loads`, as the stored rows were."""
    try:
        document = from_json(value or b"")
    except ValueError:
        try:
            document = json.loads(value or b"")
        except ValueError:
            return None
    return hashlib.sha256(_CANONICAL.encode(document).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Seen:
    topic: str
    partition: int
    offset: int
    outcome: str
    digest: str
    result: Any = None
    source: str = LEGACY_SOURCE  # of the stored row: the one a retried event replaces
    content_digest: str | None = None  # rows written before migration 0008 have none

    def same_content(self, raw: str, content: str | None) -> bool:
        """Same bytes (or the original a re-driven copy stands for), or the same JSON content (another door)."""
        return self.digest == raw or (content is not None and self.content_digest == content)


@dataclass(slots=True)
class Entry:
    event_id: str
    topic: str
    partition: int
    offset: int
    outcome: str
    digest: str
    result: Any = field(default=None)
    source: str = LEGACY_SOURCE
    replaces: str | None = None  # source of the rejected row this retried event updates; None: a new row
    content_digest: str | None = None

    @property
    def key(self) -> Key:
        return (self.source, self.event_id)

    def as_seen(self) -> Seen:
        """The event as a later copy in the same batch sees it (as `seen` would read it back once recorded)."""
        return Seen(
            self.topic,
            self.partition,
            self.offset,
            self.outcome,
            self.digest,
            self.result,
            self.source,
            self.content_digest,
        )


async def seen(conn: Connection, consumer: str, keys: Sequence[Key]) -> dict[Key, Seen]:
    """The rows of these events; a row of the same source wins over a legacy (source-less) one."""
    rows = await conn.fetch(
        'SELECT source, event_id, topic, partition, "offset", outcome, digest, result, content_digest FROM inbox'
        " WHERE consumer = $1 AND event_id = ANY($2::text[])",
        consumer,
        list({event_id for _, event_id in keys}),
    )
    wanted = set(keys)
    found: dict[Key, Seen] = {}
    for r in sorted(rows, key=lambda r: r["source"] != LEGACY_SOURCE):  # legacy rows first, exact ones override
        entry = Seen(
            r["topic"],
            r["partition"],
            r["offset"],
            r["outcome"],
            r["digest"],
            json.loads(r["result"]) if r["result"] is not None else None,
            r["source"],
            r["content_digest"],
        )
        if r["source"] == LEGACY_SOURCE:
            found.update({k: entry for k in wanted if k[1] == r["event_id"]})
        elif (r["source"], r["event_id"]) in wanted:
            found[(r["source"], r["event_id"])] = entry
    return found


_COLUMNS = (
    "$2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::text[], $8::text[], $9::jsonb[], $10::text[]"
)


async def record(conn: Connection, consumer: str, entries: Sequence[Entry]) -> None:
    """Record handled events: one INSERT (and one DELETE of the rejected rows that retried events replace).

    A plain INSERT on purpose: a consumer racing us on the same event (a rebalance) blocks on the key and
    then fails with a unique violation, which the consumer retries and then sees as already handled.
    A retried event (corrected or re-driven) replaces its rejected row; if retention purged that row in
    the meantime, the DELETE finds nothing and the INSERT still records the event.
    """
    again = [e for e in entries if e.replaces is not None]
    if again:
        await conn.execute(
            "DELETE FROM inbox USING unnest($2::text[], $3::text[]) AS x(e, prior)"
            " WHERE inbox.consumer = $1 AND inbox.event_id = x.e AND inbox.source = x.prior",
            consumer,
            [e.event_id for e in again],
            [e.replaces for e in again],
        )
    if entries:
        await conn.execute(
            'INSERT INTO inbox (consumer, source, event_id, topic, partition, "offset", outcome, digest, result,'
            " content_digest)"
            f" SELECT $1, s, e, t, p, o, r, d, j, c FROM unnest({_COLUMNS}) AS x(s, e, t, p, o, r, d, j, c)",
            consumer,
            *_columns(entries),
        )


def _columns(entries: Sequence[Entry]) -> list[list[Any]]:
    return [
        [e.source for e in entries],
        [e.event_id for e in entries],
        [e.topic for e in entries],
        [e.partition for e in entries],
        [e.offset for e in entries],
        [e.outcome for e in entries],
        [e.digest for e in entries],
        [None if e.result is None else json.dumps(e.result) for e in entries],
        [e.content_digest for e in entries],
    ]
