"""An application (dossier): its states, its decisions, its grant (committed, released, paid), its history.

draft -> filed -> under-instruction -> approved | refused ; withdrawn from any state before a refusal.
Each method returns what the envelope must do (cents to commit, de-commit or pay), so the use case applies
the same amounts to the envelope; a decision seen twice returns no effect (`changed` False).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from tdi_contracts.errors import ErrorCode
from tdi_contracts.money import format_eur
from tdi_contracts.reference.labels import ApplicationState
from tdi_runtime.errors import DomainError

State = ApplicationState
"""A dossier's states, with their French words, are the contracts' (`tdi_contracts.reference.labels`)."""
LABELS = {state: state.label for state in State}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    state: State
    actor: str
    note: str


@dataclass(frozen=True)
class Effect:
    """What a decision does to the envelope, in cents; `changed` False when it was already done."""

    changed: bool = True
    commit: int = 0
    decommit: int = 0
    pay: int = 0


NO_EFFECT = Effect(changed=False)


@dataclass
class Application:
    application_id: UUID
    territory_id: str
    programme: str
    envelope_id: str
    requested_cents: int
    state: State = State.DRAFT
    granted_cents: int = 0
    released_cents: int = 0
    paid_cents: int = 0
    grant_id: UUID | None = None
    payments: dict[str, int] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def committed_cents(self) -> int:
        """What this dossier holds on its envelope now (granted minus released)."""
        return self.granted_cents - self.released_cents

    @property
    def payable_cents(self) -> int:
        return self.committed_cents - self.paid_cents

    def _move(self, to: State, allowed: tuple[State, ...], at: datetime, actor: str, note: str) -> None:
        if self.state not in allowed:
            raise DomainError(
                ErrorCode.APPLICATION_STATE_CONFLICT,
                f"Le dossier est {LABELS[self.state]} : il ne peut pas passer à « {LABELS[to]} ».",
                state=self.state.value,
            )
        self.state = to
        self.history.append(HistoryEntry(at, to, actor, note))

    def file(self, at: datetime, actor: str) -> Effect:
        if self.state is State.FILED:
            return NO_EFFECT
        self._move(State.FILED, (State.DRAFT,), at, actor, "Dossier déposé.")
        return Effect()

    def start_instruction(self, at: datetime, actor: str) -> Effect:
        if self.state is State.UNDER_INSTRUCTION:
            return NO_EFFECT
        self._move(State.UNDER_INSTRUCTION, (State.FILED,), at, actor, "Instruction ouverte.")
        return Effect()

    def record_opinion(self, opinion: str, text: str, at: datetime, actor: str) -> Effect:
        """An avis of those who advise (ADEME, the Conseil régional): a line of the history, never a state change;
        given before the decision only; the same avis from the same author twice is one line."""
        if self.state not in (State.FILED, State.UNDER_INSTRUCTION):
            raise DomainError(
                ErrorCode.APPLICATION_STATE_CONFLICT,
                f"Le dossier est {LABELS[self.state]} : un avis se donne avant la décision.",
                state=self.state.value,
            )
        note = f"Avis {opinion} : {text}"
        if any(h.actor == actor and h.note == note for h in self.history):
            return NO_EFFECT
        self.history.append(HistoryEntry(at, self.state, actor, note))
        return Effect()

    def approve(self, granted_cents: int, grant_id: UUID, at: datetime, actor: str) -> Effect:
        """Approve for an amount (at most the amount asked); the amount is committed on the envelope."""
        if self.state is State.APPROVED and self.granted_cents == granted_cents:
            return NO_EFFECT  # the same decision arriving twice
        if granted_cents <= 0 or granted_cents > self.requested_cents:
            raise DomainError(
                ErrorCode.APPLICATION_STATE_CONFLICT,
                f"Le montant accordé doit être positif et au plus le montant demandé "
                f"({format_eur(self.requested_cents)}).",
                field="granted_cents",
            )
        note = f"Dossier accordé pour {format_eur(granted_cents)}."
        self._move(State.APPROVED, (State.FILED, State.UNDER_INSTRUCTION), at, actor, note)
        self.granted_cents, self.grant_id = granted_cents, grant_id
        return Effect(commit=granted_cents)

    def refuse(self, reason: str, at: datetime, actor: str) -> Effect:
        if self.state is State.REFUSED:
            return NO_EFFECT
        self._move(State.REFUSED, (State.FILED, State.UNDER_INSTRUCTION), at, actor, f"Dossier refusé : {reason}")
        return Effect()

    def withdraw(self, at: datetime, actor: str) -> Effect:
        """Withdrawn by its holder; an approved dossier gives back what it has not been paid."""
        if self.state is State.WITHDRAWN:
            return NO_EFFECT
        back = self.payable_cents if self.state is State.APPROVED else 0
        note = "Dossier retiré." + (f" {format_eur(back)} désengagés." if back else "")
        allowed = (State.DRAFT, State.FILED, State.UNDER_INSTRUCTION, State.APPROVED)
        self._move(State.WITHDRAWN, allowed, at, actor, note)
        self.released_cents += back
        return Effect(decommit=back)

    def reopen(self, at: datetime, actor: str) -> Effect:
        """A decision taken back (Démarches simplifiées: « repasser en instruction »): the dossier is under
        instruction again. An approval gives back its whole commitment and forgets its grant (a later approval
        commits a new one). Nothing is taken back once something was paid (DS_DECISION_REVERTED_AFTER_PAYMENT):
        staff decide what follows. Under instruction already: no effect."""
        if self.state is State.UNDER_INSTRUCTION:
            return NO_EFFECT
        if self.state not in (State.APPROVED, State.REFUSED, State.WITHDRAWN):
            raise DomainError(
                ErrorCode.APPLICATION_STATE_CONFLICT,
                f"Le dossier est {LABELS[self.state]} : aucune décision à reprendre.",
                state=self.state.value,
            )
        if self.paid_cents:
            raise DomainError(
                ErrorCode.DS_DECISION_REVERTED_AFTER_PAYMENT,
                f"Le dossier a déjà reçu {format_eur(self.paid_cents)} : sa décision n'est pas reprise.",
                state=self.state.value,
            )
        back = self.payable_cents if self.state is State.APPROVED else 0
        was = LABELS[self.state]
        note = f"Décision reprise (le dossier était {was}) : instruction rouverte." + (
            f" {format_eur(back)} désengagés." if back else ""
        )
        self.state = State.UNDER_INSTRUCTION
        self.history.append(HistoryEntry(at, State.UNDER_INSTRUCTION, actor, note))
        self.granted_cents = self.released_cents = 0
        self.grant_id = None
        return Effect(decommit=back)

    def release(self, amount_cents: int, at: datetime, actor: str) -> Effect:
        """A reduced grant: part of the commitment goes back to the envelope (never what is already paid)."""
        self._require_approved("désengager")
        if amount_cents <= 0 or amount_cents > self.payable_cents:
            raise DomainError(
                ErrorCode.RELEASE_EXCEEDS_COMMITMENT,
                f"Désengagement de {format_eur(amount_cents)} refusé : {format_eur(self.payable_cents)} "
                f"restent engagés et non versés sur ce dossier.",
                field="released_cents",
            )
        self.released_cents += amount_cents
        self.history.append(HistoryEntry(at, self.state, actor, f"{format_eur(amount_cents)} désengagés."))
        return Effect(decommit=amount_cents)

    def pay(self, reference: str, amount_cents: int, at: datetime, actor: str) -> Effect:
        """A payment drawn on the commitment, once per payment reference."""
        self._require_approved("verser")
        if reference in self.payments:
            if self.payments[reference] == amount_cents:
                return NO_EFFECT
            raise DomainError(
                ErrorCode.APPLICATION_STATE_CONFLICT,
                f"Le versement {reference} a déjà été enregistré pour {format_eur(self.payments[reference])}.",
                field="partner_reference",
            )
        if amount_cents <= 0 or amount_cents > self.payable_cents:
            raise DomainError(
                ErrorCode.PAYMENT_EXCEEDS_COMMITMENT,
                f"Versement de {format_eur(amount_cents)} refusé : {format_eur(self.payable_cents)} restent "
                f"engagés et non versés sur ce dossier.",
                field="amount_cents",
            )
        self.payments[reference] = amount_cents
        self.paid_cents += amount_cents
        self.history.append(HistoryEntry(at, self.state, actor, f"Versement de {format_eur(amount_cents)}."))
        return Effect(pay=amount_cents)

    def _require_approved(self, verb: str) -> None:
        if self.state is not State.APPROVED:
            raise DomainError(
                ErrorCode.APPLICATION_STATE_CONFLICT,
                f"Le dossier est {LABELS[self.state]} : on ne peut {verb} que sur un dossier accordé.",
                state=self.state.value,
            )
