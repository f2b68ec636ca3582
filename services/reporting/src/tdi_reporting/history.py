"""The event history of reporting (issue 26): every event a fold applies is kept in `event_log`, with its envelope,
its payload as received, the payload's SHA-256 and the facts (read-model rows) its fold wrote.

Captured from reporting's side, without touching the kit: reporting's unit of work (`repositories.py`) sees every
write a fold sends through `uow.defer` on its way. A write names its table and key (`INSERT INTO <table> (<key>, …)
VALUES ($1, …)`, every fold's shape), so the fact is `<table>:<key>`; a row that belongs to another fact also names
it (`rm_payment>rm_grant:<grant>`: a payment of that grant), which is how a figure finds its events (`lineage.py`).
The versions of the rows themselves are kept by database triggers (`rm_history`, migration 0007).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from tdi_contracts.cloudevents import Envelope
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery, decode_record

KEYS: dict[str, tuple[str, ...]] = {
    "rm_fiche_action": ("fiche_action_id",),
    "rm_envelope": ("envelope_id",),
    "rm_application": ("application_id",),
    "rm_grant": ("grant_id",),
    "rm_grant_release": ("event_id",),
    "rm_payment": ("payment_id",),
    "rm_vte_contract": ("vte_contract_id",),
    "rm_vte_payment": ("payment_id",),
    "rm_vte_payment_request": ("payment_request_id",),
    "rm_vte_housing_aid": ("vte_contract_id", "housing_aid_reference"),
    "rm_binome": ("binome_id",),
    "known_territories": ("territory_id",),
    "known_communes": ("insee",),
    "rm_state_transfer": ("transfer_id",),
    "rm_ledger_note": ("gap_reference",),
    "rm_site": ("site_id",),
    "rm_site_support": ("support_id",),
    "rm_ecole_de_production": ("ecole_id",),
    "rm_rebond_laureate": ("territory_id",),
    "rm_regional_post": ("post_id",),
    "rm_partner_answer": ("event_id",),  # not versioned: the alerts read the last hour only
}
"""The primary key of each versioned table (as in `reporting_versioned_tables()`, migrations 0007, 0009 and 0011;
two columns are joined by '/')."""

PARENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "rm_grant": (("envelope_id", "rm_envelope"),),
    "rm_grant_release": (("grant_id", "rm_grant"), ("envelope_id", "rm_envelope")),
    "rm_payment": (("grant_id", "rm_grant"),),
    "rm_vte_payment": (("vte_contract_id", "rm_vte_contract"),),
    "rm_vte_payment_request": (("vte_contract_id", "rm_vte_contract"),),
    "rm_vte_housing_aid": (("vte_contract_id", "rm_vte_contract"),),
    "rm_binome": (("territory_id", "known_territories"),),
    "known_communes": (("territory_id", "known_territories"),),
    "rm_site_support": (("site_id", "rm_site"),),
}
"""Rows that belong to another fact: (column, table of that fact)."""

_INSERT = re.compile(r"^\s*INSERT INTO (\w+) \(([^)]*)\)\s*VALUES \(([^)]*)\)", re.IGNORECASE)
_DELETE = re.compile(r"^\s*DELETE FROM (\w+) WHERE (\w+) = \$1\b", re.IGNORECASE)


def fact(table: str, key: object) -> str:
    return f"{table}:{key}"


def part_of(table: str, parent: str, key: object) -> str:
    """A row of `table` that belongs to the fact `parent:key` (a payment of a grant, a release of an envelope)."""
    return f"{table}>{parent}:{key}"


@functools.lru_cache(maxsize=512)
def _shape(sql: str) -> tuple[str, tuple[int, ...], tuple[tuple[str, int], ...]] | None:
    """(table, argument positions of its key, (parent table, argument position)) of a fold's write, or None."""
    insert = _INSERT.match(sql)
    if insert is not None:
        table = insert.group(1)
        columns = [c.strip() for c in insert.group(2).split(",")]
        values = [v.strip() for v in insert.group(3).split(",")]
        if table not in KEYS or values != [f"${i}" for i in range(1, len(columns) + 1)]:
            return None
        position = {c: i for i, c in enumerate(columns)}
        if not all(k in position for k in KEYS[table]):
            return None
        parents = tuple((p, position[c]) for c, p in PARENTS.get(table, ()) if c in position)
        return table, tuple(position[k] for k in KEYS[table]), parents
    delete = _DELETE.match(sql)
    if delete is not None:
        table, column = delete.group(1), delete.group(2)
        parents = tuple((p, 0) for c, p in PARENTS.get(table, ()) if c == column)
        return (table, (), parents) if table in KEYS else None
    return None


def facts_of(sql: str, args: Sequence[Any]) -> list[str]:
    """The facts one write touches: `<table>:<key>` and, for a row of another fact, `<table>><parent>:<key>`."""
    shape = _shape(sql)
    if shape is None:
        return []
    table, key_at, parents = shape
    out = []
    if key_at:
        out.append(fact(table, "/".join(str(args[i]) for i in key_at)))
    out += [part_of(table, parent, args[i]) for parent, i in parents if args[i] not in (None, "")]
    return out


EVENT_LOG_SQL = """
INSERT INTO event_log (topic, partition, "offset", event_id, source, type, producer, time, subject, correlation_id,
                       causation_id, key, payload, payload_sha256, facts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
ON CONFLICT (source, event_id) DO UPDATE SET facts = excluded.facts
    WHERE event_log.facts IS DISTINCT FROM excluded.facts
"""
"""An event applied again (a rebuild) keeps its first tick and place; only the facts its fold wrote may change."""


def log_row(d: Delivery, facts: list[str]) -> tuple[Any, ...]:
    """The `event_log` row of a delivery; `facts` is kept as given (the unit of work extends it as the fold writes)."""
    e = d.envelope
    value = d.value or b""
    key = None if d.key is None else d.key.decode("utf-8", "replace")
    return (d.topic, d.partition, d.offset, d.event_id, d.source, e.type, e.producer, e.time, e.subject,
            e.correlation_id, e.causation_id, key, value, hashlib.sha256(value).digest(), facts)  # fmt: skip


async def record_versions(conn: Connection, *, every_fact: bool = False) -> int:
    """Close and open the versions of the facts this transaction's events wrote (`rm_history`), once, last in the
    transaction; `every_fact`: compare every row with its version (after a rebuild). Returns the versions written."""
    return int(await conn.fetchval("SELECT reporting_record_versions($1)", every_fact) or 0)


LOG_COLUMNS = (
    'seq, tick, topic, partition, "offset", event_id, source, type, producer, time, subject, correlation_id,'
    " causation_id, key, payload, payload_sha256"
)
"""What `delivery_of` reads of an `event_log` row."""


def delivery_of(row: Any) -> Delivery:
    """A logged event as its consumer received it: the envelope's headers rebuilt, the payload's bytes as kept."""
    envelope = Envelope(
        id=row["event_id"],
        source=row["source"],
        type=row["type"],
        time=row["time"],
        subject=row["subject"],
        correlation_id=row["correlation_id"],
        causation_id=row["causation_id"],
        schema_version=int(row["type"].rsplit(".v", 1)[-1]),
        producer=row["producer"],
    )
    key = None if row["key"] is None else row["key"].encode()
    record = SimpleNamespace(
        topic=row["topic"],
        partition=row["partition"],
        offset=row["offset"],
        key=key,
        value=bytes(row["payload"]),
        headers=envelope.to_kafka_headers(),
    )
    return decode_record(record)
