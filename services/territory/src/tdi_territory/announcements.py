"""What the territory service tells the platform about a territory: its label and its full reference state.

Pure builders of contract payloads from a territory's state; the use cases put them in the outbox.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from tdi_contracts.events.territory import TerritoryLabelled, TerritoryReferenceUpdated
from tdi_contracts.reference import Departement, Region

LABELLED_ON = date(2023, 11, 9)
"""Date of the Temps II labelling decision: the press kit listing the territories (seed `000_…`)."""


@dataclass(frozen=True)
class TerritoryState:
    """Everything the reference topic carries about one territory, at one revision."""

    id: str
    official_id: str | None
    name: str
    departements: tuple[str, ...]
    regions: tuple[str, ...]
    labelled: bool
    revision: int
    epci_sirens: tuple[str, ...]
    active_binomes: int
    chefs_de_projet: tuple[UUID, ...]
    as_of: datetime
    labelled_on: date = LABELLED_ON
    perimeter_known: bool = False
    perimeter_as_of: date | None = None
    perimeter_communes: int | None = None


def reference_updated(state: TerritoryState) -> TerritoryReferenceUpdated:
    """The territory's latest full state, for the compacted reference topic."""
    return TerritoryReferenceUpdated(
        territory_id=state.id,
        official_id=state.official_id,
        revision=state.revision,
        name=state.name,
        labelled=state.labelled,
        regions=[Region(r) for r in state.regions],
        departements=[Departement(d) for d in state.departements],
        epci_sirens=list(state.epci_sirens),
        active_binomes=state.active_binomes,
        chefs_de_projet=list(state.chefs_de_projet),
        as_of=state.as_of,
        perimeter_known=state.perimeter_known,
        perimeter_as_of=state.perimeter_as_of,
        perimeter_communes=state.perimeter_communes,
    )


def labelled(state: TerritoryState) -> TerritoryLabelled:
    """The labelling of a territory for Temps II, with the EPCI known so far (none from the annex alone)."""
    return TerritoryLabelled(
        territory_id=state.id,
        official_id=state.official_id,
        name=state.name,
        regions=[Region(r) for r in state.regions],
        departements=[Departement(d) for d in state.departements],
        epci_sirens=list(state.epci_sirens),
        labelled_on=state.labelled_on,
    )
