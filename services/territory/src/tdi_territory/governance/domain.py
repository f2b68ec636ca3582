"""Governance of a territory: binômes élus-industriels and chef de projet posts.

The State's cap on a post's funding (30,000 / 40,000 EUR a year) is the funding service's rule, not this one's.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from uuid import UUID, uuid4

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import CompanySize, LocalAuthorityType
from tdi_runtime.errors import DomainError


class ElectedMandate(StrEnum):
    """The mandate of the elected official of a binôme: a role, never a person."""

    MAIRE = "maire"
    ADJOINT_AU_MAIRE = "adjoint-au-maire"
    PRESIDENT_EPCI = "president-epci"
    VICE_PRESIDENT_EPCI = "vice-president-epci"
    CONSEILLER_DEPARTEMENTAL = "conseiller-departemental"
    CONSEILLER_REGIONAL = "conseiller-regional"

    @property
    def authority(self) -> LocalAuthorityType:
        """The kind of local authority the mandate sits in (what the events carry)."""
        return _AUTHORITY[self]


_M, _A = ElectedMandate, LocalAuthorityType
_AUTHORITY = {
    _M.MAIRE: _A.COMMUNE,
    _M.ADJOINT_AU_MAIRE: _A.COMMUNE,
    _M.PRESIDENT_EPCI: _A.EPCI,
    _M.VICE_PRESIDENT_EPCI: _A.EPCI,
    _M.CONSEILLER_DEPARTEMENTAL: _A.DEPARTEMENT,
    _M.CONSEILLER_REGIONAL: _A.REGION,
}


@dataclass(frozen=True)
class Binome:
    """A binôme élu-industriel leading a territory, described by roles only: no names, no contact data."""

    elected_mandate: ElectedMandate
    industrial_company: str  # the company (an organisation), never the industrialist's name
    industrial_company_size: CompanySize
    industrial_sector: str
    id: UUID = field(default_factory=uuid4)
    appointed_on: date | None = None
    ended_on: date | None = None  # kept once ended: the territory's history
    synthetic: bool = False  # demonstration data, never a real binôme


@dataclass(frozen=True)
class ChefDeProjetPost:
    """The post of chef de projet, possibly shared (mutualisé) between several territories."""

    territory_ids: frozenset[str]
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if not self.territory_ids:
            message = "Un poste de chef de projet doit être rattaché à au moins un territoire."
            raise DomainError(ErrorCode.INVALID_CHEF_DE_PROJET_POST, message)
        if self.end is not None and self.end < self.start:
            message = f"Le poste ne peut pas finir ({self.end}) avant d'avoir commencé ({self.start})."
            raise DomainError(ErrorCode.INVALID_CHEF_DE_PROJET_POST, message, field="ended_on")

    @property
    def shared(self) -> bool:
        return len(self.territory_ids) > 1

    def is_filled_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def shared_with(self, territory_ids: frozenset[str]) -> "ChefDeProjetPost":
        """The same post serving more territories; the ones it already serves are not counted twice."""
        self._refuse_if_ended("partagé")
        return ChefDeProjetPost(self.territory_ids | territory_ids, self.start)

    def ended(self, on: date) -> "ChefDeProjetPost":
        self._refuse_if_ended("clos")
        return ChefDeProjetPost(self.territory_ids, self.start, on)

    def _refuse_if_ended(self, verb: str) -> None:
        if self.end is not None:
            message = f"Le poste a pris fin le {self.end.isoformat()} : il ne peut plus être {verb}."
            raise DomainError(ErrorCode.CHEF_DE_PROJET_POST_ENDED, message)
