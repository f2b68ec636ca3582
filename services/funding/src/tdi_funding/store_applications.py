"""SQL of the applications (dossiers): dossiers are loaded whole (history and payments included), locked for the
transaction, and saved back with only what changed appended (`repositories.DossierRepository`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid5

from tdi_funding.domain.application import Application, HistoryEntry, State
from tdi_runtime.db import Connection

_PAYMENT_NAMESPACE = UUID("0b7c2f55-6f1e-4f0b-9a57-3c1d2e4f5a60")


@dataclass
class StoredApplication:
    """A dossier and what the store needs besides the rules: who filed it, where, its details."""

    application: Application
    regions: tuple[str, ...]
    filed_by: str
    partner_reference: str | None
    details: dict[str, Any]
    filed_at: datetime
    saved_history: int = 0
    saved_payments: frozenset[str] = field(default_factory=frozenset)
    cdp_year: int | None = None
    """Where an approved chef de projet dossier was counted (its year and post), for what it gives back later."""
    cdp_post_id: UUID | None = None
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When the last decision changed it (its save's `updated_at`)."""
    paid_on: dict[str, date] = field(default_factory=dict)
    """The value date of each payment recorded since it was loaded, by reference (else the decision's day)."""


def payment_id(application_id: UUID, reference: str) -> UUID:
    """A payment's id derives from its dossier and reference: the same payment always has the same id."""
    return uuid5(_PAYMENT_NAMESPACE, f"{application_id}:{reference}")


async def insert(conn: Connection, stored: StoredApplication, now: datetime) -> None:
    a = stored.application
    await conn.execute(
        "INSERT INTO applications (id, territory_id, regions, programme, envelope_id, state, requested_cents,"
        " filed_by, partner_reference, details, filed_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $11)",
        a.application_id,
        a.territory_id,
        list(stored.regions),
        a.programme,
        a.envelope_id,
        a.state.value,
        a.requested_cents,
        stored.filed_by,
        stored.partner_reference,
        json.dumps(stored.details),
        now,
    )
    stored.updated_at = now
    await _append(conn, [stored])


async def save_many(conn: Connection, dossiers: list[StoredApplication]) -> None:
    """The dossiers' new state, then the history entries and payments each gained since it was loaded (one
    statement each); `updated_at` and `paid_on` are those of the decision that changed it."""
    await conn.executemany(
        "UPDATE applications SET state = $2, granted_cents = $3, released_cents = $4, paid_cents = $5,"
        " grant_id = $6, updated_at = $7, cdp_year = $8, cdp_post_id = $9 WHERE id = $1",
        [
            (
                s.application.application_id,
                s.application.state.value,
                s.application.granted_cents,
                s.application.released_cents,
                s.application.paid_cents,
                s.application.grant_id,
                s.updated_at,
                s.cdp_year,
                s.cdp_post_id,
            )
            for s in dossiers
        ],
    )
    await _append(conn, dossiers)


async def _append(conn: Connection, dossiers: list[StoredApplication]) -> None:
    """The history entries and payments the dossiers gained since they were loaded."""
    history, payments = [], []
    for stored in dossiers:
        a, now = stored.application, stored.updated_at
        history += [
            (a.application_id, stored.saved_history + i, h.at, h.state.value, h.actor, h.note)
            for i, h in enumerate(a.history[stored.saved_history :])
        ]
        payments += [
            (a.application_id, ref, payment_id(a.application_id, ref), amount, stored.paid_on.get(ref, now.date()))
            for ref, amount in a.payments.items()
            if ref not in stored.saved_payments
        ]
        stored.saved_history, stored.saved_payments = len(a.history), frozenset(a.payments)
    if history:
        await conn.executemany(
            "INSERT INTO application_history (application_id, seq, at, state, actor, note)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            history,
        )
    if payments:
        await conn.executemany(
            "INSERT INTO payments (application_id, reference, payment_id, amount_cents, paid_on)"
            " VALUES ($1, $2, $3, $4, $5)",
            payments,
        )


async def load(conn: Connection, application_id: UUID) -> StoredApplication | None:
    """The whole dossier, as a read (no lock: the unit of work's `DossierRepository` locks what it decides on)."""
    found = await load_many(conn, [application_id])
    return found.get(application_id)


async def lock_many(conn: Connection, application_ids: list[UUID]) -> None:
    """Two decisions on one dossier run one after the other (ids sorted: every transaction locks in one order)."""
    await conn.execute("SELECT id FROM applications WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE", application_ids)


async def load_many(conn: Connection, application_ids: list[UUID]) -> dict[UUID, StoredApplication]:
    """The dossiers with their history and payments, in one query. Locked first (`lock_many`), then read by this
    second statement: under READ COMMITTED a statement that waited for a lock re-reads the locked row but not its
    subqueries, so the history must be read with a snapshot taken after the lock (else two decisions in a row
    append the same entry)."""
    rows = await conn.fetch(f"{_WHOLE} WHERE a.id = ANY($1::uuid[])", application_ids)
    return {row["id"]: _stored(row) for row in rows}


async def application_of_grant(conn: Connection, grant_id: UUID) -> UUID | None:
    value = await conn.fetchval("SELECT id FROM applications WHERE grant_id = $1", grant_id)
    return None if value is None else UUID(str(value))


async def applications_of_grants(conn: Connection, grant_ids: list[UUID]) -> list[UUID]:
    rows = await conn.fetch("SELECT id FROM applications WHERE grant_id = ANY($1::uuid[])", grant_ids)
    return [UUID(str(row["id"])) for row in rows]


async def find_by_partner_reference(conn: Connection, filed_by: str, reference: str) -> UUID | None:
    value = await conn.fetchval(
        "SELECT id FROM applications WHERE filed_by = $1 AND partner_reference = $2", filed_by, reference
    )
    return None if value is None else UUID(str(value))


_WHOLE = (
    "SELECT a.*,"
    " coalesce((SELECT json_agg(json_build_array(h.at, h.state, h.actor, h.note) ORDER BY h.seq)"
    "  FROM application_history h WHERE h.application_id = a.id), '[]') AS history_json,"
    " coalesce((SELECT json_object_agg(p.reference, p.amount_cents)"
    "  FROM payments p WHERE p.application_id = a.id), '{}') AS payments_json"
    " FROM applications a"
)


def _stored(row: Any) -> StoredApplication:
    history = json.loads(row["history_json"])
    payments: dict[str, int] = json.loads(row["payments_json"])
    application = Application(
        application_id=row["id"],
        territory_id=row["territory_id"],
        programme=row["programme"],
        envelope_id=row["envelope_id"],
        requested_cents=row["requested_cents"],
        state=State(row["state"]),
        granted_cents=row["granted_cents"],
        released_cents=row["released_cents"],
        paid_cents=row["paid_cents"],
        grant_id=row["grant_id"],
        payments=payments,
        history=[HistoryEntry(datetime.fromisoformat(at), State(st), actor, note) for at, st, actor, note in history],
    )
    return StoredApplication(
        application=application,
        regions=tuple(row["regions"]),
        filed_by=row["filed_by"],
        partner_reference=row["partner_reference"],
        details=json.loads(row["details"]),
        filed_at=row["filed_at"],
        saved_history=len(history),
        saved_payments=frozenset(payments),
        cdp_year=row["cdp_year"],
        cdp_post_id=row["cdp_post_id"],
    )


async def search(
    conn: Connection,
    *,
    territory_id: str | None,
    programme: str | None,
    region: str | None,
    state: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[Any]]:
    where = (
        " WHERE ($1::text IS NULL OR territory_id = $1) AND ($2::text IS NULL OR programme = $2)"
        " AND ($3::text IS NULL OR $3 = ANY(regions)) AND ($4::text IS NULL OR state = $4)"
    )
    args = (territory_id, programme, region, state)
    total = await conn.fetchval("SELECT count(*) FROM applications" + where, *args)
    rows = await conn.fetch(
        "SELECT id, territory_id, regions, programme, envelope_id, state, requested_cents, granted_cents,"
        " released_cents, paid_cents, grant_id, filed_at, updated_at FROM applications"
        + where
        + " ORDER BY filed_at, id LIMIT $5 OFFSET $6",
        *args,
        limit,
        offset,
    )
    return total, list(rows)
