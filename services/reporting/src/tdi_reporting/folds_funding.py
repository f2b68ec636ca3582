"""Folds of the funding service's events: envelopes, applications, grants, releases and payments."""

from __future__ import annotations

from tdi_contracts.events.funding import (
    ApplicationApproved,
    ApplicationDecisionReverted,
    ApplicationFiled,
    ApplicationFiledV2,
    ApplicationInstructionStarted,
    ApplicationRejected,
    ApplicationWithdrawn,
    CommitmentReleased,
    EnvelopeBalanceChanged,
    EnvelopeBalanceChangedV2,
    EnvelopeClosed,
    EnvelopeOpened,
    EnvelopeOpenedV2,
    GrantCommitted,
    GrantCommittedV2,
    LedgerGapExplained,
    PaymentMade,
    StateTransferMade,
)
from tdi_reporting.folding import registry, upsert_sql
from tdi_reporting.repositories import ReportingUnitOfWork

# The ceiling and its provenance of the opening are kept unless a balance already arrived (it is later and carries
# them: a ceiling staff set comes with one), so the folds commute when a batch groups them (issue 24, A4).
_ENVELOPE = """
INSERT INTO rm_envelope (envelope_id, programme, region, year, ceiling_cents, opened_on, ceiling_provenance)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (envelope_id) DO UPDATE SET programme = excluded.programme, region = excluded.region,
    year = excluded.year, opened_on = excluded.opened_on,
    ceiling_cents = CASE WHEN rm_envelope.balance_at IS NULL THEN excluded.ceiling_cents
                         ELSE rm_envelope.ceiling_cents END,
    ceiling_provenance = CASE WHEN rm_envelope.balance_at IS NULL THEN excluded.ceiling_provenance
                              ELSE rm_envelope.ceiling_provenance END
"""
_ENVELOPE_CLOSED = upsert_sql("rm_envelope", "envelope_id", ("closed_on",))
_FILED = upsert_sql(
    "rm_application",
    "application_id",
    (
        "territory_id",
        "programme",
        "envelope_id",
        "requested_cents",
        "eligible_cost_cents",
        "jobs_expected",
        "filed_at",
        "synthetic",
    ),
)
_APPROVED = upsert_sql("rm_application", "application_id", ("territory_id", "approved_cents", "approved_at"))
_REJECTED = upsert_sql("rm_application", "application_id", ("territory_id", "rejected_at"))
_GRANT = upsert_sql(
    "rm_grant", "grant_id", ("territory_id", "envelope_id", "programme", "committed_cents", "committed_on", "operator")
)
_RELEASE = (
    "INSERT INTO rm_grant_release (event_id, grant_id, territory_id, envelope_id, released_cents, released_on)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING"
)
_PAYMENT = (
    "INSERT INTO rm_payment (payment_id, grant_id, territory_id, amount_cents, paid_on, paid_by)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING"
)


@registry.handles(EnvelopeOpened, EnvelopeOpenedV2)
async def envelope_opened(p: EnvelopeOpened | EnvelopeOpenedV2, uow: ReportingUnitOfWork) -> None:
    region = p.region.value if p.region else None
    provenance = getattr(p, "ceiling_provenance", None)  # v2: sources, staff, synthetic or null (not published)
    provenance = provenance.value if provenance else ("sources" if p.ceiling_cents is not None else None)
    args = (p.envelope_id, str(p.programme), region, p.year, p.ceiling_cents, p.opened_on, provenance)
    await uow.defer(_ENVELOPE, *args)


@registry.handles(EnvelopeClosed)
async def envelope_closed(p: EnvelopeClosed, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_ENVELOPE_CLOSED, p.envelope_id, p.closed_on)


@registry.handles(ApplicationFiled, ApplicationFiledV2)
async def application_filed(p: ApplicationFiled | ApplicationFiledV2, uow: ReportingUnitOfWork) -> None:
    await uow.defer(
        _FILED,
        str(p.application_id),
        p.territory_id,
        str(p.programme),  # v2: an open code (a programme a partner declared)
        p.envelope_id,
        p.requested_cents,
        # The investment the project expects: its productive investment when given, else its eligible cost
        # (optional fields added to the contract in 0.2.0; an older event has neither).
        getattr(p, "productive_investment_cents", None) or p.eligible_cost_cents,
        getattr(p, "expected_jobs", None),
        p.filed_at,
        p.synthetic,  # demonstration data (contracts 0.2.0), shown as such on the dashboard
    )


@registry.handles(ApplicationApproved)
async def application_approved(p: ApplicationApproved, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_APPROVED, str(p.application_id), p.territory_id, p.approved_cents, p.approved_at)


@registry.handles(ApplicationRejected)
async def application_rejected(p: ApplicationRejected, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_REJECTED, str(p.application_id), p.territory_id, p.rejected_at)


@registry.handles(GrantCommitted, GrantCommittedV2)
async def grant_committed(p: GrantCommitted | GrantCommittedV2, uow: ReportingUnitOfWork) -> None:
    operator = p.operator.value if p.operator else None
    args = (p.territory_id, p.envelope_id, str(p.programme), p.amount_cents, p.committed_on, operator)
    await uow.defer(_GRANT, str(p.grant_id), *args)


@registry.handles(CommitmentReleased)
async def commitment_released(p: CommitmentReleased, uow: ReportingUnitOfWork) -> None:
    args = (str(p.grant_id), p.territory_id, p.envelope_id, p.released_cents, p.released_on)
    await uow.defer(_RELEASE, uow.event.id, *args)


@registry.handles(PaymentMade)
async def payment_made(p: PaymentMade, uow: ReportingUnitOfWork) -> None:
    paid_by = getattr(p, "paid_by", None)  # absent: the State (contracts 0.2.0)
    args = (str(p.grant_id), p.territory_id, p.amount_cents, p.paid_on, paid_by.value if paid_by else None)
    await uow.defer(_PAYMENT, str(p.payment_id), *args)


_INSTRUCTION = upsert_sql("rm_application", "application_id", ("territory_id", "instruction_started_at"))
_WITHDRAWN = upsert_sql("rm_application", "application_id", ("territory_id", "withdrawn_at"))
_BALANCE = """
INSERT INTO rm_envelope (envelope_id, programme, ceiling_cents, balance_committed_cents, balance_paid_cents, balance_at,
                         ceiling_provenance, balance_allocated_cents)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (envelope_id) DO UPDATE SET programme = excluded.programme, ceiling_cents = excluded.ceiling_cents,
    balance_committed_cents = excluded.balance_committed_cents, balance_paid_cents = excluded.balance_paid_cents,
    balance_at = excluded.balance_at,
    ceiling_provenance = coalesce(excluded.ceiling_provenance, rm_envelope.ceiling_provenance),
    balance_allocated_cents = excluded.balance_allocated_cents
WHERE rm_envelope.balance_at IS NULL OR rm_envelope.balance_at <= excluded.balance_at
"""


@registry.handles(ApplicationInstructionStarted)
async def application_instruction_started(p: ApplicationInstructionStarted, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_INSTRUCTION, str(p.application_id), p.territory_id, p.started_at)


# The latest reversal wins, whatever order a batch folds it in (its decisions compare with it: `facts`).
_REVERTED = """
INSERT INTO rm_application (application_id, territory_id, reverted_at) VALUES ($1, $2, $3)
ON CONFLICT (application_id) DO UPDATE SET territory_id = excluded.territory_id,
    reverted_at = greatest(rm_application.reverted_at, excluded.reverted_at)
"""


@registry.handles(ApplicationDecisionReverted)
async def application_decision_reverted(p: ApplicationDecisionReverted, uow: ReportingUnitOfWork) -> None:
    """Back under instruction: the decision taken back no longer counts (its money: its own CommitmentReleased)."""
    await uow.defer(_REVERTED, str(p.application_id), p.territory_id, p.reverted_at)


@registry.handles(ApplicationWithdrawn)
async def application_withdrawn(p: ApplicationWithdrawn, uow: ReportingUnitOfWork) -> None:
    """The money de-committed by a withdrawal arrives as its own CommitmentReleased: only the state here."""
    await uow.defer(_WITHDRAWN, str(p.application_id), p.territory_id, p.withdrawn_at)


@registry.handles(EnvelopeBalanceChanged, EnvelopeBalanceChangedV2)
async def envelope_balance_changed(
    p: EnvelopeBalanceChanged | EnvelopeBalanceChangedV2, uow: ReportingUnitOfWork
) -> None:
    """v2: the ceiling may be null (not published) and says where it comes from; the latest balance wins."""
    provenance = getattr(p, "ceiling_provenance", None)
    provenance = provenance.value if provenance else None
    args = (p.envelope_id, str(p.programme), p.ceiling_cents, p.committed_cents, p.paid_cents, p.changed_at)
    await uow.defer(_BALANCE, *args, provenance, getattr(p, "allocated_cents", 0))


_TRANSFER = upsert_sql(
    "rm_state_transfer",
    "transfer_id",
    ("programme", "operator", "envelope_id", "budget_year", "amount_cents", "transferred_on"),
)
# The latest explanation of a gap wins (by its date, then as folded).
_NOTE = """
INSERT INTO rm_ledger_note (gap_reference, explanation, explained_on) VALUES ($1, $2, $3)
ON CONFLICT (gap_reference) DO UPDATE SET explanation = excluded.explanation, explained_on = excluded.explained_on
WHERE rm_ledger_note.explained_on IS NULL OR rm_ledger_note.explained_on <= excluded.explained_on
"""


@registry.handles(StateTransferMade)
async def state_transfer_made(p: StateTransferMade, uow: ReportingUnitOfWork) -> None:
    args = (p.programme.value, p.operator.value, p.envelope_id, p.budget_year, p.amount_cents, p.transferred_on)
    await uow.defer(_TRANSFER, str(p.transfer_id), *args)


@registry.handles(LedgerGapExplained)
async def ledger_gap_explained(p: LedgerGapExplained, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_NOTE, p.gap_reference, p.explanation, p.explained_on)
