"""Decisions on a dossier: instruction, approval (commits), refusal, withdrawal (de-commits), reduced grant,
payment. The dossier is loaded whole and locked; the rule runs on it and on its envelope (domain), then the
envelope's amounts are written with conditional UPDATEs, so concurrent approvals never over-commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID, uuid4

from tdi_contracts.events.funding import (
    ApplicationApproved,
    ApplicationInstructionStarted,
    ApplicationOpinionRecorded,
    ApplicationRejected,
    ApplicationWithdrawn,
    CommitmentReleased,
    GrantCommittedV2,
    Opinion,
    RejectionReason,
    ReleaseReason,
)
from tdi_contracts.reference import Instrument
from tdi_funding import store_applications, store_cdp, store_envelopes
from tdi_funding.chef_de_projet_years import counted_in
from tdi_funding.domain.application import Application, Effect
from tdi_funding.domain.decisions import apply_decision
from tdi_funding.domain.errors import UnknownApplicationError
from tdi_funding.envelopes import balance_event
from tdi_funding.programmes import rules_for
from tdi_funding.store_applications import StoredApplication
from tdi_funding.use_cases import Actor, Result
from tdi_runtime.db import Connection
from tdi_runtime.territories import find_territory

Right = Literal["decide", "instruct", "advise"]


async def dossier(
    conn: Connection, application_id: UUID | None = None, grant_id: UUID | None = None, territory_id: str | None = None
) -> StoredApplication:
    """The dossier, whole and locked for this transaction; unknown (or not of the territory a partner quoted,
    in either id form): UNKNOWN_AGGREGATE."""
    if grant_id is not None:
        stored = await store_applications.find_by_grant(conn, grant_id, for_update=True)
    else:
        assert application_id is not None
        stored = await store_applications.load(conn, application_id, for_update=True)
    if stored is not None and territory_id is not None:
        ref = await find_territory(conn, territory_id)
        if (ref.territory_id if ref else territory_id) != stored.application.territory_id:
            stored = None
    if stored is None:
        which = f"L'engagement {grant_id}" if grant_id else f"Le dossier {application_id}"
        raise UnknownApplicationError(f"{which} est inconnu de la plateforme.", details={"field": "application_id"})
    return stored


async def decide_on(
    conn: Connection,
    stored: StoredApplication,
    actor: Actor,
    now: datetime,
    decide: Callable[[Application], Effect],
    paid_on: date | None = None,
    right: Right = "decide",
) -> tuple[Effect, list[Any]]:
    """Runs the decision on the dossier and its envelope, writes both; returns the effect and the balance event.
    `right`: what the actor must be allowed on the programme (decide; instruct: open the instruction; advise)."""
    app = stored.application
    rules = await rules_for(conn, app.programme)
    {"decide": actor.require_decision, "instruct": actor.require_instruction, "advise": actor.require_opinion}[right](
        rules
    )
    envelope = await store_envelopes.load(conn, app.envelope_id)
    assert envelope is not None  # foreign key
    actor.require_reach(stored.regions, envelope)
    counted = await counted_in(conn, stored, decide)
    effect = apply_decision(app, envelope, decide, ledger=counted)
    if not effect.changed:
        return effect, []
    if counted is not None and (effect.commit or effect.decommit):
        await store_cdp.apply(conn, counted[1], effect)
        stored.cdp_year, stored.cdp_post_id = counted[1].year, counted[1].post_id
    events: list[Any] = []
    if effect.commit or effect.decommit or effect.pay:
        events.append(balance_event(await store_envelopes.apply(conn, app.envelope_id, effect), now))
    await store_applications.save(conn, stored, now, paid_on)
    return effect, events


async def start_instruction(conn: Connection, application_id: UUID, actor: Actor, now: datetime) -> Result:
    stored = await dossier(conn, application_id)
    effect, _ = await decide_on(
        conn, stored, actor, now, lambda a: a.start_instruction(now, actor.name), right="instruct"
    )
    app = stored.application
    events = [
        ApplicationInstructionStarted(application_id=app.application_id, territory_id=app.territory_id, started_at=now)
    ]
    return Result(events=events if effect.changed else [], resulting=[("application", str(application_id))])


async def approve(
    conn: Connection,
    application_id: UUID,
    granted_cents: int,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Result:
    """Approves for `granted_cents` and commits it on the envelope, or refuses with ENVELOPE_CEILING_EXCEEDED."""
    stored = await dossier(conn, application_id, territory_id=territory_id)
    grant_id = stored.application.grant_id or uuid4()
    effect, balance = await decide_on(
        conn, stored, actor, now, lambda a: a.approve(granted_cents, grant_id, now, actor.name)
    )
    app = stored.application
    resulting = [("application", str(app.application_id)), ("grant", str(app.grant_id))]
    if not effect.changed:
        return Result(resulting=resulting, value=app.grant_id)
    year = stored.details.get("funding_year")
    approved = ApplicationApproved(
        application_id=app.application_id,
        territory_id=app.territory_id,
        approved_cents=granted_cents,
        approved_at=now,
        funding_year=year,
    )
    committed = GrantCommittedV2(
        grant_id=grant_id,
        application_id=app.application_id,
        territory_id=app.territory_id,
        envelope_id=app.envelope_id,
        programme=app.programme,
        instrument=Instrument(stored.details["instrument"]),
        amount_cents=granted_cents,
        operator=actor.partner,
        committed_on=now.date(),
        funding_year=year,
    )
    return Result(events=[approved, committed, *balance], resulting=resulting, value=grant_id)


async def refuse(
    conn: Connection,
    application_id: UUID,
    reason_code: RejectionReason,
    reason: str,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Result:
    stored = await dossier(conn, application_id, territory_id=territory_id)
    effect, _ = await decide_on(conn, stored, actor, now, lambda a: a.refuse(reason, now, actor.name))
    app = stored.application
    rejected = ApplicationRejected(
        application_id=app.application_id,
        territory_id=app.territory_id,
        reason_code=reason_code,
        reason=reason,
        rejected_at=now,
    )
    return Result(events=[rejected] if effect.changed else [], resulting=[("application", str(application_id))])


async def withdraw(
    conn: Connection, application_id: UUID, actor: Actor, now: datetime, territory_id: str | None = None
) -> Result:
    stored = await dossier(conn, application_id, territory_id=territory_id)
    effect, balance = await decide_on(conn, stored, actor, now, lambda a: a.withdraw(now, actor.name))
    app = stored.application
    if not effect.changed:
        return Result(resulting=[("application", str(application_id))])
    events: list[Any] = [
        ApplicationWithdrawn(
            application_id=app.application_id,
            territory_id=app.territory_id,
            released_cents=effect.decommit,
            withdrawn_at=now,
        )
    ]
    if effect.decommit and app.grant_id:
        events.append(released_event(app, effect.decommit, ReleaseReason.PROJECT_ABANDONED, now))
    return Result(events=[*events, *balance], resulting=[("application", str(application_id))])


async def record_opinion(
    conn: Connection,
    application_id: UUID,
    opinion: Opinion,
    text: str,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Result:
    """An avis of those who advise on the programme (ADEME, the Conseil régional): a line of the dossier's history
    and an `ApplicationOpinionRecorded`; the dossier's state is unchanged (issue 24, A1)."""
    stored = await dossier(conn, application_id, territory_id=territory_id)
    effect, _ = await decide_on(
        conn, stored, actor, now, lambda a: a.record_opinion(opinion.label, text, now, actor.name), right="advise"
    )
    app = stored.application
    recorded = ApplicationOpinionRecorded(
        application_id=app.application_id,
        territory_id=app.territory_id,
        opinion=opinion,
        text=text,
        author=actor.name,
        recorded_at=now,
    )
    return Result(events=[recorded] if effect.changed else [], resulting=[("application", str(application_id))])


def released_event(app: Application, amount: int, reason: ReleaseReason, now: datetime) -> CommitmentReleased:
    assert app.grant_id is not None
    return CommitmentReleased(
        grant_id=app.grant_id,
        territory_id=app.territory_id,
        envelope_id=app.envelope_id,
        released_cents=amount,
        reason=reason,
        released_on=now.date(),
    )
