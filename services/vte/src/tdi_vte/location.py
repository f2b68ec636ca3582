"""Where an establishment is (issue 24): the territory that holds its commune, never a territory of its département.

Programme rule (seed 000 line 673, « les entreprises situées en Territoires d'industrie »): a company is located by
the commune of its establishment. The kit's projection answers for each commune (`locate_communes`): a territory
holds it, or none does (every territory that could hold it has a known perimeter), or it waits for the perimeter
of territories that could hold it. The département only tells *outside* from *wait*, in the kit, never *inside*.
"""

from __future__ import annotations

from dataclasses import dataclass

from tdi_contracts.reference.geography import departement_of_commune
from tdi_runtime.territories import CommunePlace


@dataclass(frozen=True)
class Location:
    territory_id: str
    departement: str
    regions: tuple[str, ...]
    by_commune: bool = True
    """Always true since issue 24 (kept: contracts stored before it say false when located by département)."""


@dataclass(frozen=True)
class Waiting:
    """The commune may be in these labelled territories, whose perimeter is not known yet: decide nothing."""

    territories: tuple[str, ...]


Place = Location | Waiting | None
"""Where an establishment stands: in a territory, waiting for a perimeter, or (None) outside every territory."""


def place_of(found: CommunePlace) -> Place:
    """The labelled territory holding the commune; else wait for the perimeters not known yet; else outside.
    An unlabelled territory never locates."""
    held = found.territory
    if held is not None:
        if not held.labelled:
            return None
        return Location(held.territory_id, departement_of_commune(found.insee).value, tuple(held.regions))
    if found.waiting_for:
        return Waiting(tuple(found.waiting_for))
    return None
