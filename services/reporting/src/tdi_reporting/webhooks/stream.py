"""The ordered stream of a subscription: the events reporting folded (`event_log`) and the alert changes
(`alert_log`), in tick order, as positions `tick.source.seq` (source 0 an event, 1 an alert change).

Why a cursor over the history rather than a delivery row per event and subscription: `event_log` is already the
durable record of every event in commit order (a tick is taken under the clock's lock and held until commit, so
ticks commit in order and a reader that sees tick t sees every row of the ticks before it); a cursor costs the
consumer's transaction nothing whatever the number of subscriptions, a new or re-enabled subscription needs no
backfill, and the push and the catch-up read the same rows through the same code, so their payloads are the same.
Reads stop at the clock's committed tick (`head`), so a position is never passed by a row that commits later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from tdi_contracts.errors import ErrorCode
from tdi_reporting.alerts import KINDS, TERRITORY_KINDS, AlertChange, message
from tdi_reporting.history import LOG_COLUMNS, delivery_of
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import TERRITORY_ROLE

if TYPE_CHECKING:
    from tdi_reporting.webhooks.owners import Owner

EVENT, ALERT, END_OF_TICK = 0, 1, 9
ALERT_TYPE = "alert"
_MAX = 2**63 - 1


class Position(NamedTuple):
    tick: int
    src: int
    seq: int

    def __str__(self) -> str:
        return f"{self.tick}.{self.src}.{self.seq}"

    @classmethod
    def after_tick(cls, tick: int) -> Position:
        """Past every row of `tick` (where a new subscription starts: after what is already known)."""
        return cls(tick, END_OF_TICK, 0)


START = Position(0, 0, 0)
_CURSOR = re.compile(r"^(\d{1,18})\.(\d)\.(\d{1,18})$")


def parse_cursor(text: str | None) -> Position:
    """`tick.source.seq` as given by `cursor` / `next_after`; empty or `0`: the beginning."""
    if text in (None, "", "0"):
        return START
    found = _CURSOR.match(text)
    if found is None:
        raise DomainError(
            ErrorCode.INVALID_REQUEST,
            "Le curseur n'est pas valide : reprenez le « next_after » ou le « cursor » d'une réponse précédente.",
            field="after",
            value=text,
        )
    return Position(int(found.group(1)), int(found.group(2)), int(found.group(3)))


@dataclass(frozen=True)
class Entry:
    """One item of the stream, as delivered and as the catch-up gives it."""

    position: Position
    payload: dict[str, Any]


def _seq_after(cursor: Position, src: int) -> tuple[int, int]:
    """The (tick, seq) bound of rows of `src` strictly after `cursor`."""
    if cursor.src == src:
        return cursor.tick, cursor.seq
    return (cursor.tick, _MAX) if cursor.src > src else (cursor.tick, -1)


def event_payload(row: Any) -> dict[str, Any]:
    """An event as the contracts publish it (re-read through its contract: only the fields it declares), with its
    CloudEvents attributes."""
    delivery = delivery_of(row)
    position = Position(row["tick"], EVENT, row["seq"])
    data = None if delivery.violation is not None else delivery.payload.model_dump(mode="json")
    return {
        "cursor": str(position),
        "specversion": "1.0",
        "id": row["event_id"],
        "source": row["source"],
        "type": row["type"],
        "time": row["time"].isoformat(),
        "subject": row["subject"],
        "datacontenttype": "application/json",
        "data": data,
    }


def alert_payload(row: Any) -> dict[str, Any]:
    details = json.loads(row["details"]) if isinstance(row["details"], str) else dict(row["details"])
    change = AlertChange(row["kind"], row["subject"], row["state"], row["at"], details)
    position = Position(row["tick"], ALERT, row["seq"])
    return {
        "cursor": str(position),
        "specversion": "1.0",
        "id": f"alert-{row['seq']}",
        "source": "/tdi/reporting/alerts",
        "type": ALERT_TYPE,
        "time": row["at"].isoformat(),
        "subject": f"{row['kind']}/{row['subject']}",
        "datacontenttype": "application/json",
        "data": {
            **change.as_json(),
            "libelle": KINDS.get(change.kind, change.kind),
            "message": message(change.kind, change.subject, details),
        },
    }


async def head(conn: Any) -> int:
    """The last committed tick: every row of it and of the ticks before it is visible to later statements."""
    return int(await conn.fetchval("SELECT tick FROM reporting_clock"))


def _event_reach(owner: Owner | None, at: int) -> tuple[str, list[Any]]:
    """The SQL condition (and its arguments, numbered from `at`) of the events a subscription's owner may read: a
    partner its own answers only (their `partner`); national staff every event (`owners.py`)."""
    if owner is None or owner.role == "national":
        return "", []
    if owner.role == "partner":
        return f" AND convert_from(payload, 'UTF8')::jsonb ->> 'partner' = ${at}", [owner.scope]
    return " AND false", []


def _alert_reach(owner: Owner | None, at: int) -> tuple[str, list[Any]]:
    """The alerts `GET /api/alerts` shows the owner (`alerts.visible`, in SQL so that pages stay whole): a regional
    owner its region's (never a partner's), a territory owner its own territory's (by either of its ids)."""
    if owner is None or owner.role == "national":
        return "", []
    if owner.role == "regional":
        return (f" AND kind <> 'partenaire-rejets' AND (details -> 'regions' ? ${at} OR details ->> 'region' = ${at})",
                [owner.scope])  # fmt: skip
    if owner.role == TERRITORY_ROLE:
        return (f" AND kind = ANY(${at}::text[]) AND (subject = ${at + 1} OR subject IN"
                f" (SELECT territory_id FROM known_territories WHERE official_id = ${at + 1}))",
                [sorted(TERRITORY_KINDS), owner.scope])  # fmt: skip
    return " AND false", []


async def page(
    conn: Any, types: Sequence[str], cursor: Position, up_to: int, limit: int, owner: Owner | None = None
) -> list[Entry]:
    """The first `limit` entries of these types after `cursor`, up to tick `up_to` (read `head` first), in order,
    among those the subscription's `owner` may read (None: every one)."""
    event_types = [t for t in types if t != ALERT_TYPE]
    entries: list[Entry] = []
    if event_types:
        tick, seq = _seq_after(cursor, EVENT)
        reach, args = _event_reach(owner, 6)
        rows = await conn.fetch(
            f"SELECT {LOG_COLUMNS} FROM event_log WHERE type = ANY($1::text[]) AND (tick, seq) > ($2, $3)"
            f" AND tick <= $4{reach} ORDER BY tick, seq LIMIT $5",
            event_types, tick, seq, up_to, limit, *args,
        )  # fmt: skip
        entries += [Entry(Position(r["tick"], EVENT, r["seq"]), event_payload(r)) for r in rows]
    if ALERT_TYPE in types:
        tick, seq = _seq_after(cursor, ALERT)
        reach, args = _alert_reach(owner, 5)
        rows = await conn.fetch(
            "SELECT seq, tick, kind, subject, state, at, details FROM alert_log WHERE (tick, seq) > ($1, $2)"
            f" AND tick <= $3{reach} ORDER BY tick, seq LIMIT $4",
            tick, seq, up_to, limit, *args,
        )  # fmt: skip
        entries += [Entry(Position(r["tick"], ALERT, r["seq"]), alert_payload(r)) for r in rows]
    return plan_batch(entries, cursor, None, limit)


def plan_batch(entries: Iterable[Entry], cursor: Position, pending: Position | None, batch_max: int) -> list[Entry]:
    """What one POST carries: the entries after the cursor in stream order; a batch already tried (`pending`: its
    last position) is sent again exactly (same events, so the same `webhook-id`), else at most `batch_max`."""
    ordered = sorted((e for e in entries if e.position > cursor), key=lambda e: e.position)
    if pending is not None:
        return [e for e in ordered if e.position <= pending]
    return ordered[:batch_max]


def message_id(subscription_id: str, batch: Sequence[Entry]) -> str:
    """The `webhook-id` of a batch: the same at every attempt of it."""
    return f"msg_{subscription_id.replace('-', '')}_{batch[0].position}_{batch[-1].position}"


def body(subscription_id: str, batch: Sequence[Entry]) -> bytes:
    """The JSON a receiver gets: the events in order and where to resume a catch-up (`next_after`)."""
    document = {
        "type": "tdi.webhook.batch",
        "subscription": subscription_id,
        "events": [e.payload for e in batch],
        "next_after": str(batch[-1].position),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
