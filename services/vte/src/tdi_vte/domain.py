"""The VTE contract aggregate: the facts Bpifrance reported and the aid decided on them, in exact cents.

Invariants, whatever the order or repetition of Bpifrance's events (property-tested):
- the base (exactly 4,000 EUR) is granted at most once per contract, and only to an eligible contract, never while
  it is held pending (its territory's perimeter unknown: issue 24);
- the green top-up (8,000 EUR at most) exists only for a declared green mission on a granted contract;
- the aid never exceeds 12,000 EUR, and the payments never exceed the aid;
- what every funder was asked for, net of what was taken back, is its part of the aid as it stands.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tdi_contracts.events.vte import (
    EligibleCompanySize,
    RecordVteContractV2,
    VteAidGrantedV2,
    VteAidRefused,
    VteFunder,
    VteRefusal,
)
from tdi_contracts.reference import CompanySize
from tdi_vte.eligibility import Refusal
from tdi_vte.location import Location
from tdi_vte.money import Parts

NAMESPACE = uuid.UUID("0b8f3c2e-7d4a-4c1b-9e55-5a1f0c6d7e21")


def contract_id_of(contract_reference: str) -> uuid.UUID:
    """The platform id of Bpifrance's contract: derived from its reference, so any event can name it first."""
    return uuid.uuid5(NAMESPACE, f"bpifrance/vte-contract/{contract_reference}")


def eligible_size(size: CompanySize) -> EligibleCompanySize:
    """A micro-enterprise (TPE) counts as a PME, as in the EU SME definition."""
    return EligibleCompanySize.ETI if size is CompanySize.ETI else EligibleCompanySize.PME


@dataclass
class GreenMission:
    scope: str
    requested_cents: int
    declared_on: date


@dataclass
class VteContract:
    """One contract: its terms (no identity: the candidate is a pseudonym), decision, aid and payments."""

    vte_contract_id: uuid.UUID
    contract_reference: str
    terms: RecordVteContractV2
    candidate_pseudonym: str
    location: Location | None
    refusals: list[Refusal]
    decided_on: date
    base_cents: int = 0
    green_cents: int = 0
    green: GreenMission | None = None
    ended_on: date | None = None
    end_reason: str | None = None
    paid_cents: int = 0
    payments: dict[str, int] = field(default_factory=dict)
    requested: Parts = field(default_factory=dict)
    requests_made: int = 0
    housing_aids: dict[str, int] = field(default_factory=dict)
    rules_state_bp: int = 5000
    rules_green_funder: VteFunder = VteFunder.ETAT
    waiting_for: tuple[str, ...] = ()
    """Held pending (issue 24): the territories of unknown perimeter its commune may be in; () once decided."""

    @property
    def pending(self) -> bool:
        """Recorded but not decided: where the establishment stands is not known yet (never granted meanwhile)."""
        return bool(self.waiting_for)

    @property
    def granted(self) -> bool:
        return not self.refusals and not self.pending

    @property
    def total_cents(self) -> int:
        return self.base_cents + self.green_cents

    @property
    def territory_id(self) -> str | None:
        return None if self.location is None else self.location.territory_id

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions of its territory (none outside every territory): the contract's region for access."""
        return () if self.location is None else self.location.regions

    def same_terms(self, terms: RecordVteContractV2, pseudonym: str) -> bool:
        """A second signature of the same contract is a repeat only when every term is the same."""
        ours = self.terms.model_dump(exclude={"candidate"})
        return ours == terms.model_dump(exclude={"candidate"}) and pseudonym == self.candidate_pseudonym

    def decision_event(self) -> Any:
        """Aid granted (base exactly once) or refused with every reason."""
        if not self.granted:
            reasons = [VteRefusal(reason=r.reason, message=r.message) for r in self.refusals]
            return VteAidRefused(
                vte_contract_id=self.vte_contract_id,
                territory_id=self.territory_id,
                reasons=reasons,
                refused_on=self.decided_on,
                synthetic=self.terms.synthetic,
            )
        assert self.location is not None
        return VteAidGrantedV2(
            vte_contract_id=self.vte_contract_id,
            territory_id=self.location.territory_id,
            departement=self.location.departement,
            company_size=eligible_size(self.terms.establishment.size),
            base_cents=self.base_cents,
            green_top_up_cents=self.green_cents,
            total_cents=self.total_cents,
            granted_on=self.decided_on,
            synthetic=self.terms.synthetic,
        )
