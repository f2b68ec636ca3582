"""Pure domain model of a Territoire d'industrie: its EPCI (intercommunalités) and its binômes élu–industriel."""

from dataclasses import dataclass, field
from enum import StrEnum

from tdi_territory.domain_errors import (
    BinomeRequiredError,
    EpciAlreadyInTerritoryError,
    EpciNotInTerritoryError,
    UnknownTerritoryError,
)
from tdi_territory.governance import Binome as Binome
from tdi_territory.governance import ElectedMandate as ElectedMandate

# Re-exported: the accent- and case-insensitive search helper, and the legal forms of an EPCI.
from tdi_territory.reference.names import normalise_name as normalise_name
from tdi_territory.reference.nature_juridique import NatureJuridique as NatureJuridique


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


def check_join(territory: Territory, epci: Epci, holder: Territory | None) -> None:
    """An EPCI is in at most one territory at a time: `holder` is the territory it is in now, if any."""
    if holder is not None:
        raise EpciAlreadyInTerritoryError(
            f"L'EPCI « {epci.name} » ({epci.siren}) fait déjà partie du territoire « {holder.name} ».",
            details={"field": "siren", "territory_id": holder.id},
        )


def check_leave(territory: Territory, siren: str, holder_id: str | None) -> None:
    if holder_id != territory.id:
        message = f"L'EPCI {siren} ne fait pas partie du territoire « {territory.name} »."
        raise EpciNotInTerritoryError(message, details={"field": "siren"})


@dataclass
class EpciMemberships:
    """All territories of the programme, so that an EPCI is in at most one territory at a time."""

    territories: dict[str, Territory]

    def territory_of(self, siren: str) -> Territory | None:
        return next((t for t in self.territories.values() if siren in t.epcis), None)

    def join(self, territory_id: str, epci: Epci) -> None:
        territory = self._get(territory_id)
        check_join(territory, epci, self.territory_of(epci.siren))
        territory.epcis[epci.siren] = epci

    def leave(self, territory_id: str, siren: str) -> Epci:
        territory = self._get(territory_id)
        holder = self.territory_of(siren)
        check_leave(territory, siren, holder.id if holder else None)
        return territory.epcis.pop(siren)

    def _get(self, territory_id: str) -> Territory:
        if territory_id not in self.territories:
            raise unknown_territory(territory_id)
        return self.territories[territory_id]


def unknown_territory(territory_id: str) -> UnknownTerritoryError:
    message = f"Le territoire {territory_id} ne figure pas dans la liste des Territoires d'industrie."
    return UnknownTerritoryError(message, details={"field": "territory_id", "value": territory_id})
