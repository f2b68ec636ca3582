"""Where an establishment is: the territory of its commune, or the quoted territory by the commune's département.

PLATFORM RULE (README): the territory projection knows a commune only once the open data named it. For a
commune it does not know, the territory Bpifrance quoted is accepted when the commune's département (read
from its INSEE code) is one of that territory's départements; otherwise the contract is outside every territory.
"""

from __future__ import annotations

from dataclasses import dataclass

from tdi_contracts.reference.geography import departement_of_commune
from tdi_runtime.territories import TerritoryRef


@dataclass(frozen=True)
class Location:
    territory_id: str
    departement: str
    regions: tuple[str, ...]
    by_commune: bool


def locate(insee: str, of_commune: TerritoryRef | None, quoted: TerritoryRef | None) -> Location | None:
    """The territory of the commune when known, else the quoted one if the département matches, else None."""
    departement = departement_of_commune(insee).value
    if of_commune is not None and of_commune.labelled:
        return Location(of_commune.territory_id, departement, of_commune.regions, by_commune=True)
    if of_commune is None and quoted is not None and quoted.labelled and departement in quoted.departements:
        return Location(quoted.territory_id, departement, quoted.regions, by_commune=False)
    return None
