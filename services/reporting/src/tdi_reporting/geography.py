"""Geography of the figures (pure): the territory map, the zones of each level, and the page's filters.

A fact counts in every zone its territory spans at the chosen level: a territory over two départements counts
in both (so départements do not add up to the national figure, which counts it once). Platform rule, README.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tdi_contracts.reference import Region
from tdi_contracts.reference.departement_info import DEPARTEMENT_INFO

NATIONAL_CODE = "FR"


class Level(StrEnum):
    """The level figures are grouped at."""

    NATIONAL = "national"
    REGION = "region"
    DEPARTEMENT = "departement"
    TERRITORY = "territory"


@dataclass(frozen=True)
class Territory:
    """What the map knows of one territory (from the territory service's reference topic)."""

    territory_id: str
    official_id: str | None
    name: str
    labelled: bool
    regions: tuple[str, ...]
    departements: tuple[str, ...]
    epci_sirens: tuple[str, ...] = ()
    active_binomes: int = 0
    chefs_de_projet: tuple[str, ...] = ()


class TerritoryMap:
    """Territories by platform id and by official id: a fact may quote either form."""

    def __init__(self, territories: Iterable[Territory]) -> None:
        self.territories = sorted(territories, key=lambda t: t.territory_id)
        self._by_id = {t.territory_id: t for t in self.territories}
        self._by_id.update({t.official_id: t for t in self.territories if t.official_id})

    def resolve(self, any_id: str | None) -> Territory | None:
        return self._by_id.get(any_id) if any_id else None


@dataclass(frozen=True)
class Zone:
    code: str
    label: str


def region_label(code: str) -> str:
    return Region(code).label


def departement_label(code: str) -> str:
    return DEPARTEMENT_INFO[code][0]


def region_of_departement(code: str) -> str:
    return DEPARTEMENT_INFO[code][1]


@dataclass(frozen=True)
class Filters:
    """The page's filters; `territory` is a platform id once resolved at the edge."""

    region: str | None = None
    departement: str | None = None
    territory: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.region or self.departement or self.territory)

    def admits(self, t: Territory | None) -> bool:
        if not self.any:
            return True
        if t is None:  # a fact of a territory the map does not know counts nationally only
            return False
        return (
            (self.region is None or self.region in t.regions)
            and (self.departement is None or self.departement in t.departements)
            and (self.territory is None or self.territory == t.territory_id)
        )

    def admits_departement(self, code: str) -> bool:
        in_region = self.region is None or region_of_departement(code) == self.region
        return in_region and (self.departement is None or code == self.departement)

    def admits_region(self, code: str) -> bool:
        wanted = self.region or (region_of_departement(self.departement) if self.departement else None)
        return wanted is None or code == wanted


def zones(t: Territory | None, level: Level, filters: Filters) -> list[Zone]:
    """The zones of `level` a territory's facts count in, within the filters."""
    if level is Level.NATIONAL:
        return [Zone(NATIONAL_CODE, "France")]
    if t is None:
        return []
    if level is Level.TERRITORY:
        return [Zone(t.territory_id, t.name)]
    if level is Level.REGION:
        return [Zone(r, region_label(r)) for r in t.regions if filters.admits_region(r)]
    return [Zone(d, departement_label(d)) for d in t.departements if filters.admits_departement(d)]
