"""Figures as of any date (issue 26): which tick a date names, and the read models as they were at that tick.

**The clock.** A tick is one committed write transaction of reporting (migration 0007): `ticks.at` is the instant
it committed. "As of D" means what the platform knew at D (transaction time): the last tick committed at or
before D. A date alone (`2024-03-15`) means the end of that day in Europe/Paris (everything known before
midnight, Paris time); a date and time without an offset is Paris time too; with an offset, as given.

**The read models as of a tick.** For one read transaction, every versioned table is shadowed by a temporary
table of the same name (`pg_temp` is searched first), filled with the versions valid at that tick
(`rm_history`), so the very same SQL (`store.py`) and the same aggregation read them. The temporary tables go at
the transaction's end. Statements run through `AsOf` carry a marker comment, so a statement PostgreSQL or asyncpg
prepared for live reads (bound to the real tables) is never reused for an as-of read, and the reverse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tdi_contracts.errors import ErrorCode
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError

PARIS = ZoneInfo("Europe/Paris")
VERSIONED_TABLES = (
    "rm_fiche_action",
    "rm_envelope",
    "rm_application",
    "rm_grant",
    "rm_grant_release",
    "rm_payment",
    "rm_vte_contract",
    "rm_vte_payment",
    "rm_vte_payment_request",
    "rm_vte_housing_aid",
    "rm_binome",
    "known_territories",
    "rm_state_transfer",
    "rm_ledger_note",
    "rm_site",
    "rm_site_support",
    "rm_ecole_de_production",
    "rm_rebond_laureate",
    "rm_regional_post",
)
"""Every table whose rows are versioned (migration 0011's `reporting_versioned_tables()`)."""
SHADOWED_TABLES = (*VERSIONED_TABLES, "known_communes")
"""Every table a fold writes: all shadowed, so a fold into the temporary tables never reaches a real one."""
FOREVER = 9_223_372_036_854_775_807
INVALID_AS_OF = (
    "La date de situation « {} » n'est pas lisible : une date (AAAA-MM-JJ, fin de journée, heure de Paris) ou une"
    " date et une heure (AAAA-MM-JJTHH:MM[:SS][+01:00]) est attendue."
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class AsOf:
    """A moment asked for: the text as given and the instant it stands for (inclusive)."""

    asked: str
    instant: datetime

    @staticmethod
    def parse(text: str) -> AsOf:
        """`2024-03-15` (end of that day, Paris), `2024-03-15T10:30` (Paris), `2024-03-15T09:30:00Z` (as given)."""
        value = text.strip()
        try:
            if _DATE.fullmatch(value):
                day = date.fromisoformat(value)
                midnight = datetime.combine(day + timedelta(days=1), time(0), PARIS)
                return AsOf(value, midnight.astimezone(UTC) - timedelta(microseconds=1))
            if _DATETIME.fullmatch(value):
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=PARIS)
                return AsOf(value, moment.astimezone(UTC))
        except (ValueError, OverflowError):
            pass  # a date that does not exist (2024-02-30, 9999-12-31 + 1 day): the same answer as an unreadable one
        raise DomainError(ErrorCode.INVALID_REQUEST, INVALID_AS_OF.format(value[:40]), field="as_of")

    @staticmethod
    def of_day(day: date) -> AsOf:
        return AsOf.parse(day.isoformat())


@dataclass(frozen=True)
class Situation:
    """What a figure describes: the tick (the platform's state after that write) and when it committed."""

    tick: int
    at: datetime | None
    asked: AsOf | None = None

    def moment(self) -> datetime:
        """The moment the figures are judged at: the instant asked for (as of a date), else now."""
        return self.asked.instant if self.asked is not None else datetime.now(UTC)

    def as_json(self) -> dict[str, Any]:
        """`situation` of an answer: `tick`, `instant` (ISO 8601, UTC), and for an as-of answer what was asked."""
        out: dict[str, Any] = {"tick": self.tick, "instant": self.at.isoformat() if self.at else None}
        if self.asked is not None:
            out["demande"] = self.asked.asked
            out["jusqu_a"] = self.asked.instant.isoformat()
            out["definitive"] = self.asked.instant <= datetime.now(UTC)  # a moment still to come may change
        return out


async def live_situation(conn: Connection) -> Situation:
    """The last tick committed that this transaction sees (call inside the read's snapshot)."""
    row = await conn.fetchrow("SELECT tick, at FROM ticks WHERE at IS NOT NULL ORDER BY tick DESC LIMIT 1")
    return Situation(0, None) if row is None else Situation(row["tick"], row["at"])


async def situation_at(conn: Connection, asked: AsOf) -> Situation:
    """The last tick committed at or before the instant (tick 0, nothing known, before the first)."""
    row = await conn.fetchrow(
        "SELECT tick, at FROM ticks WHERE at <= $1 ORDER BY at DESC, tick DESC LIMIT 1", asked.instant
    )
    return Situation(0, None, asked) if row is None else Situation(row["tick"], row["at"], asked)


class AsOfConnection:
    """A connection whose statements read other tables than the live ones under the same names (the temporary tables
    of one tick, or a shadow schema), marked so that no statement prepared for the live tables is reused."""

    def __init__(self, conn: Connection, mark: str = "/* as-of */ ") -> None:
        self.conn = conn
        self.mark = mark

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        return await self.conn.fetch(self.mark + sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        return await self.conn.fetchrow(self.mark + sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self.conn.fetchval(self.mark + sql, *args)

    async def execute(self, sql: str, *args: Any) -> str:
        return await self.conn.execute(self.mark + sql, *args)

    async def executemany(self, sql: str, args: Iterable[Any]) -> None:
        await self.conn.executemany(self.mark + sql, args)


async def overlay(conn: Connection, tick: int | None, filled: Iterable[str] = VERSIONED_TABLES) -> AsOfConnection:
    """Shadow every versioned table with a temporary one (dropped at commit): those in `filled` hold their rows as
    of `tick`, the others stay empty (a read the scope did not plan for finds nothing rather than today's rows);
    `tick=None`: all empty (a fold into empty tables, e.g. the lineage proof). Call inside a transaction."""
    schema = await conn.fetchval("SELECT current_schema()")
    wanted = set(filled) if tick is not None else set()
    for table in SHADOWED_TABLES:
        await conn.execute(
            f"CREATE TEMP TABLE {table} (LIKE {schema}.{table} INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP"
        )
        if table in wanted:
            # The table's name as a literal, so the planner uses its partial index of valid ranges.
            await conn.execute(
                f"INSERT INTO pg_temp.{table} SELECT r.* FROM {schema}.rm_history h,"
                f" jsonb_populate_record(NULL::{schema}.{table}, h.doc) r"
                f" WHERE h.rm = '{table}' AND int8range(h.tick_from, h.tick_to) @> $1::bigint",
                tick,
            )
    return AsOfConnection(conn)
