"""An envelope: a programme's budget (or its regional share), what is committed on it (AE) and paid (CP).

Invariant, in integer cents: 0 <= paid <= committed and committed + allocated <= ceiling, where `allocated` is what
an envelope holding others (the national 2024 Fonds vert, 100 M EUR) gave them as ceilings: the regional ceilings
never add up to more than the national one. An envelope whose ceiling is not published has none (None: « plafond
non publié ») and takes no commitment until staff set it (issue 24, A4). An envelope opens for filing on a date,
may stop taking dossiers after another, closes, and a closed one may release its unused balance (C4).
The store keeps the same rules under concurrency with one conditional UPDATE per change and a CHECK constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tdi_contracts.errors import ErrorCode
from tdi_contracts.money import format_eur
from tdi_contracts.reference.programmes_catalogue import CeilingProvenance, EnvelopeSeed
from tdi_runtime.errors import DomainError


@dataclass
class Envelope:
    envelope_id: str
    programme: str
    ceiling_cents: int | None
    committed_cents: int = 0
    paid_cents: int = 0
    region: str | None = None
    year: int | None = None
    operator: str | None = None
    closed: bool = False
    allocated_cents: int = 0
    provenance: CeilingProvenance | None = None
    parent_id: str | None = None
    files_from: date | None = None
    files_until: date | None = None
    released_cents: int = 0

    @classmethod
    def of_seed(cls, seed: EnvelopeSeed) -> Envelope:
        return cls(
            seed.envelope_id,
            str(seed.programme),
            seed.ceiling_cents,
            region=seed.region.value if seed.region else None,
            year=seed.year,
            operator=seed.operator.value if seed.operator else None,
            provenance=seed.provenance if seed.ceiling_cents is not None else None,
            parent_id=seed.parent_id,
            files_from=seed.files_from,
            files_until=seed.files_until,
        )

    @property
    def available_cents(self) -> int | None:
        """What may still be committed (or given to the envelopes it holds); None without a ceiling."""
        if self.ceiling_cents is None:
            return None
        return self.ceiling_cents - self.committed_cents - self.allocated_cents

    def commit(self, amount_cents: int) -> None:
        """Engage money on the envelope; refused rather than ever going beyond the ceiling."""
        _positive(amount_cents)
        if self.closed:
            raise envelope_closed(self.envelope_id)
        if self.available_cents is None:
            raise ceiling_not_set(self.envelope_id)
        if amount_cents > self.available_cents:
            raise ceiling_exceeded(self.envelope_id, amount_cents, self.available_cents)
        self.committed_cents += amount_cents

    def decommit(self, amount_cents: int) -> None:
        """Give committed money back (withdrawal, reduced grant); what is already paid stays committed."""
        _positive(amount_cents)
        if amount_cents > self.committed_cents - self.paid_cents:
            raise DomainError(
                ErrorCode.RELEASE_EXCEEDS_COMMITMENT,
                f"Désengagement de {format_eur(amount_cents)} refusé : seuls "
                f"{format_eur(self.committed_cents - self.paid_cents)} engagés restent à verser sur l'enveloppe.",
            )
        self.committed_cents -= amount_cents

    def pay(self, amount_cents: int) -> None:
        """Record a payment (CP) drawn on the commitments (AE)."""
        _positive(amount_cents)
        if amount_cents > self.committed_cents - self.paid_cents:
            raise DomainError(
                ErrorCode.PAYMENT_EXCEEDS_COMMITMENT,
                f"Versement de {format_eur(amount_cents)} refusé : il ne reste que "
                f"{format_eur(self.committed_cents - self.paid_cents)} engagés à verser sur l'enveloppe.",
            )
        self.paid_cents += amount_cents

    def set_ceiling(self, ceiling_cents: int, provenance: CeilingProvenance) -> int:
        """Staff set (or change) the ceiling; never below what is committed or given on. Returns the change, which
        the envelope holding this one must give (`allocate`) first."""
        if ceiling_cents < self.committed_cents + self.allocated_cents:
            raise DomainError(
                ErrorCode.ENVELOPE_CEILING_BELOW_COMMITTED,
                f"Plafond de {format_eur(ceiling_cents)} refusé : {format_eur(self.committed_cents)} sont déjà engagés"
                f" et {format_eur(self.allocated_cents)} répartis sur l'enveloppe {self.envelope_id}.",
                field="ceiling_cents",
            )
        change = ceiling_cents - (self.ceiling_cents or 0)
        self.ceiling_cents, self.provenance = ceiling_cents, provenance
        return change

    def allocate(self, change_cents: int) -> None:
        """An envelope it holds got `change_cents` more (or less) of ceiling: never more than this one has left."""
        if change_cents > 0 and (self.available_cents is None or change_cents > self.available_cents):
            left = format_eur(self.available_cents) if self.available_cents is not None else "aucun plafond"
            raise DomainError(
                ErrorCode.REGIONAL_CEILINGS_ABOVE_NATIONAL,
                f"Répartition de {format_eur(change_cents)} refusée : l'enveloppe {self.envelope_id} n'a plus que "
                f"{left} à répartir ; la somme des plafonds régionaux ne dépasse jamais le sien.",
                field="ceiling_cents",
                available_cents=self.available_cents,
            )
        self.allocated_cents = max(0, self.allocated_cents + change_cents)

    def require_filing_open(self, on: date) -> None:
        """A dossier is filed while the envelope takes them: not closed, and between its filing dates."""
        if self.closed:
            raise DomainError(
                ErrorCode.ENVELOPE_CLOSED, f"L'enveloppe {self.envelope_id} est close : plus aucun dépôt possible."
            )
        if (self.files_from and on < self.files_from) or (self.files_until and on > self.files_until):
            window = " ".join(
                part
                for part in (
                    f"à partir du {self.files_from:%d/%m/%Y}" if self.files_from else "",
                    f"jusqu'au {self.files_until:%d/%m/%Y}" if self.files_until else "",
                )
                if part
            )
            raise DomainError(
                ErrorCode.ENVELOPE_FILING_CLOSED,
                f"L'enveloppe {self.envelope_id} reçoit des dossiers {window} ; pas le {on:%d/%m/%Y}.",
                field="envelope_id",
            )

    def close(self, on: date) -> bool:
        """No more commitment nor filing; False when it was already closed (the same closing twice)."""
        if self.closed:
            return False
        self.closed = True
        self.files_until = min(self.files_until or on, on)
        return True

    def release_balance(self) -> int:
        """A closed envelope gives up what it never committed: its ceiling comes down to what it holds, and the
        envelope holding it may give that money to another (`allocate` with the negative amount). 0 when nothing
        is left to release."""
        if not self.closed:
            raise DomainError(
                ErrorCode.ENVELOPE_STILL_OPEN,
                f"L'enveloppe {self.envelope_id} est encore ouverte : clôturez-la avant d'en libérer le solde.",
                field="envelope_id",
            )
        released = self.available_cents or 0
        if released:
            self.ceiling_cents = self.committed_cents + self.allocated_cents
            self.released_cents += released
        return released


def ceiling_exceeded(envelope_id: str, amount_cents: int, available_cents: int) -> DomainError:
    return DomainError(
        ErrorCode.ENVELOPE_CEILING_EXCEEDED,
        f"Engagement de {format_eur(amount_cents)} refusé : l'enveloppe {envelope_id} n'a plus que "
        f"{format_eur(available_cents)} disponibles. Une enveloppe n'est jamais surengagée.",
        field="amount_cents",
        available_cents=available_cents,
    )


def ceiling_not_set(envelope_id: str) -> DomainError:
    return DomainError(
        ErrorCode.ENVELOPE_CEILING_NOT_SET,
        f"Le plafond de l'enveloppe {envelope_id} n'est pas publié : aucun engagement tant qu'il n'est pas fixé.",
        field="envelope_id",
    )


def envelope_closed(envelope_id: str) -> DomainError:
    return DomainError(
        ErrorCode.ENVELOPE_CLOSED, f"L'enveloppe {envelope_id} est close : plus aucun engagement possible."
    )


def _positive(amount_cents: int) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError(f"an amount is a positive integer of cents, not {amount_cents!r}")
