"""Pure domain model of a Territoire d'industrie: EPCI, binômes, chef de projet post and its funding cap."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# Re-exported: the accent- and case-insensitive search helper, and the legal forms of an EPCI.
from tdi_territory.reference.names import normalise_name as normalise_name
from tdi_territory.reference.nature_juridique import NatureJuridique as NatureJuridique

FUNDING_CAP_SMALL_CENTS = 30_000_00  # chef de projet State cap, EUR/year in cents, for 1 or 2 EPCI
FUNDING_CAP_LARGE_CENTS = 40_000_00  # the same for LARGE_TERRITORY_MIN_EPCI EPCI or more
LARGE_TERRITORY_MIN_EPCI = 3


class DomainError(Exception):
    """A broken rule: a stable English `code` for machines and a French `message` for programme staff."""

    code = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EpciAlreadyInTerritoryError(DomainError):
    code = "EPCI_ALREADY_IN_TERRITORY"


class EpciNotInTerritoryError(DomainError):
    code = "EPCI_NOT_IN_TERRITORY"


class UnknownTerritoryError(DomainError):
    code = "UNKNOWN_TERRITORY"


class BinomeRequiredError(DomainError):
    code = "BINOME_REQUIRED"


class InvalidPostError(DomainError):
    code = "INVALID_CHEF_DE_PROJET_POST"


class NoEpciToFundError(DomainError):
    code = "NO_EPCI_TO_FUND"


class TerritoryStatus(StrEnum):
    """Whether a territory still runs in Temps II."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Epci:
    """An intercommunalité, identified by its 9-digit SIREN."""

    siren: str
    name: str
    nature_juridique: NatureJuridique


@dataclass(frozen=True)
class Binome:
    """A binôme élu–industriel leading a territory, described by roles only: no names, no contact data."""

    elected_mandate: str  # e.g. "président d'EPCI", "maire", "conseiller régional"
    industrial_company: str
    industrial_sector: str


@dataclass
class Territory:
    """A labelled territory; made of EPCI, led by one or more binômes."""

    id: str
    name: str
    departements: tuple[str, ...]
    regions: tuple[str, ...]
    interregional: bool
    official_id: str | None = None
    labelled_for_temps_ii: bool = True
    status: TerritoryStatus = TerritoryStatus.ACTIVE
    epcis: dict[str, Epci] = field(default_factory=dict)
    binomes: list[Binome] = field(default_factory=list)

    def appoint_binome(self, binome: Binome) -> None:
        self.binomes.append(binome)

    def withdraw_binome(self, binome: Binome) -> None:
        if self.binomes == [binome]:
            message = f"Le territoire « {self.name} » doit garder au moins un binôme élu–industriel."
            raise BinomeRequiredError(message)
        self.binomes.remove(binome)


@dataclass
class EpciMemberships:
    """All territories of the programme, so that an EPCI is in at most one territory at a time."""

    territories: dict[str, Territory]

    def territory_of(self, siren: str) -> Territory | None:
        return next((t for t in self.territories.values() if siren in t.epcis), None)

    def join(self, territory_id: str, epci: Epci) -> None:
        territory = self._get(territory_id)
        current = self.territory_of(epci.siren)
        if current is not None:
            raise EpciAlreadyInTerritoryError(
                f"L'EPCI « {epci.name} » ({epci.siren}) fait déjà partie du territoire « {current.name} »."
            )
        territory.epcis[epci.siren] = epci

    def leave(self, territory_id: str, siren: str) -> Epci:
        territory = self._get(territory_id)
        if siren not in territory.epcis:
            message = f"L'EPCI {siren} ne fait pas partie du territoire « {territory.name} »."
            raise EpciNotInTerritoryError(message)
        return territory.epcis.pop(siren)

    def _get(self, territory_id: str) -> Territory:
        if territory_id not in self.territories:
            message = f"Le territoire {territory_id} ne figure pas dans la liste des territoires."
            raise UnknownTerritoryError(message)
        return self.territories[territory_id]


@dataclass(frozen=True)
class ChefDeProjetPost:
    """The post of chef de projet, possibly shared (mutualisé) between several territories."""

    territory_ids: frozenset[str]
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if not self.territory_ids:
            raise InvalidPostError("Un poste de chef de projet doit être rattaché à au moins un territoire.")
        if self.end is not None and self.end < self.start:
            message = f"Le poste ne peut pas finir ({self.end}) avant d'avoir commencé ({self.start})."
            raise InvalidPostError(message)

    @property
    def shared(self) -> bool:
        return len(self.territory_ids) > 1

    def is_filled_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def chef_de_projet_funding_cap_cents(epci_count: int) -> int:
    """Yearly State cap for a territory's chef de projet: 30,000 EUR for 1–2 EPCI, 40,000 EUR for 3+."""
    if epci_count < 1:
        message = f"Un territoire sans EPCI ({epci_count}) ne peut pas financer de chef de projet."
        raise NoEpciToFundError(message)
    return FUNDING_CAP_LARGE_CENTS if epci_count >= LARGE_TERRITORY_MIN_EPCI else FUNDING_CAP_SMALL_CENTS
