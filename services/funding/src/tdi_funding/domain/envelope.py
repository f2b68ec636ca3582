"""An envelope: a programme's budget (or its regional share), what is committed on it (AE) and paid (CP).

Invariant, in integer cents: 0 <= paid <= committed <= ceiling. The store keeps it under concurrency with
one conditional UPDATE per change and a CHECK constraint; this object is the same rule for one process.
"""

from __future__ import annotations

from dataclasses import dataclass

from tdi_contracts.money import format_eur
from tdi_funding.domain.errors import (
    EnvelopeCeilingExceededError,
    EnvelopeClosedError,
    PaymentExceedsCommitmentError,
    ReleaseExceedsCommitmentError,
)


@dataclass
class Envelope:
    envelope_id: str
    programme: str
    ceiling_cents: int
    committed_cents: int = 0
    paid_cents: int = 0
    region: str | None = None
    year: int | None = None
    operator: str | None = None
    closed: bool = False

    @property
    def available_cents(self) -> int:
        return self.ceiling_cents - self.committed_cents

    def commit(self, amount_cents: int) -> None:
        """Engage money on the envelope; refused rather than ever going beyond the ceiling."""
        _positive(amount_cents)
        if self.closed:
            raise EnvelopeClosedError(f"L'enveloppe {self.envelope_id} est close : plus aucun engagement possible.")
        if amount_cents > self.available_cents:
            raise ceiling_exceeded(self.envelope_id, amount_cents, self.available_cents)
        self.committed_cents += amount_cents

    def decommit(self, amount_cents: int) -> None:
        """Give committed money back (withdrawal, reduced grant); what is already paid stays committed."""
        _positive(amount_cents)
        if amount_cents > self.committed_cents - self.paid_cents:
            raise ReleaseExceedsCommitmentError(
                f"Désengagement de {format_eur(amount_cents)} refusé : seuls "
                f"{format_eur(self.committed_cents - self.paid_cents)} engagés restent à verser sur l'enveloppe."
            )
        self.committed_cents -= amount_cents

    def pay(self, amount_cents: int) -> None:
        """Record a payment (CP) drawn on the commitments (AE)."""
        _positive(amount_cents)
        if amount_cents > self.committed_cents - self.paid_cents:
            raise PaymentExceedsCommitmentError(
                f"Versement de {format_eur(amount_cents)} refusé : il ne reste que "
                f"{format_eur(self.committed_cents - self.paid_cents)} engagés à verser sur l'enveloppe."
            )
        self.paid_cents += amount_cents


def ceiling_exceeded(envelope_id: str, amount_cents: int, available_cents: int) -> EnvelopeCeilingExceededError:
    return EnvelopeCeilingExceededError(
        f"Engagement de {format_eur(amount_cents)} refusé : l'enveloppe {envelope_id} n'a plus que "
        f"{format_eur(available_cents)} disponibles. Une enveloppe n'est jamais surengagée.",
        details={"field": "amount_cents", "available_cents": available_cents},
    )


def _positive(amount_cents: int) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError(f"an amount is a positive integer of cents, not {amount_cents!r}")
