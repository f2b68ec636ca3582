"""The perimeter's value objects: an EPCI (intercommunalité), and all memberships of the programme at once,
so a file of the open data is checked against itself (an EPCI is in at most one territory at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError
from tdi_territory.reference.nature_juridique import NatureJuridique

if TYPE_CHECKING:  # the aggregate holds EPCI; imported for types only, to keep one import direction
    from tdi_territory.domain import Territory

__all__ = ["Epci", "EpciMemberships", "NatureJuridique"]


@dataclass(frozen=True)
class Epci:
    """An intercommunalité, identified by its 9-digit SIREN."""

    siren: str
    name: str
    nature_juridique: NatureJuridique


@dataclass
class EpciMemberships:
    """All territories of the programme, so that an EPCI is in at most one territory at a time."""

    territories: dict[str, Territory]

    def territory_of(self, siren: str) -> Territory | None:
        return next((t for t in self.territories.values() if siren in t.epcis), None)

    def join(self, territory_id: str, epci: Epci) -> None:
        self._get(territory_id).join(epci, self.territory_of(epci.siren))

    def leave(self, territory_id: str, siren: str) -> Epci:
        return self._get(territory_id).leave(siren)

    def _get(self, territory_id: str) -> Territory:
        if territory_id not in self.territories:
            raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=territory_id)
        return self.territories[territory_id]
