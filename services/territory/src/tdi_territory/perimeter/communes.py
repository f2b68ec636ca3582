"""Which communes a territory holds, from the vendored COG (`reference.cog`): pure rules, no I/O.

- Joining an EPCI assigns **every one of its communes** (`epci_communes`), each through that EPCI, with its own
  département; an EPCI the vendored millésime does not know assigns nothing and leaves the perimeter unknown.
- A commune of the national communes file goes through its own EPCI when the territory holds it, else through the
  territory's only EPCI, else its own EPCI (`commune_epci`); the two last cases are flagged: the file and the COG
  disagree, and the file keeps the last word (platform rule).
- Each assigned commune brings its **aliases** (`aliases_of`): former codes, communes déléguées / associées, and the
  Paris, Lyon, Marseille arrondissements, so a company's code locates like its commune.
- A perimeter is **known** when the territory has EPCI and each is in the COG (`perimeter_known`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tdi_territory.reference.cog import AliasKind, Cog


@dataclass(frozen=True)
class CommuneAssignment:
    """A commune recorded in a territory: INSEE code, name, département, the EPCI it goes through (if known)."""

    insee: str
    name: str
    departement: str
    epci_siren: str | None


@dataclass(frozen=True)
class AliasAssignment:
    """A code that stands for a commune assigned to the territory."""

    alias: str
    insee: str
    kind: AliasKind


def departement_of_commune(insee: str) -> str:
    """The département of an INSEE commune code: 3 characters overseas (97x), else 2 ("51", "2A")."""
    return insee[:3] if insee.startswith("97") else insee[:2]


def epci_communes(cog: Cog, siren: str) -> tuple[CommuneAssignment, ...] | None:
    """Every member commune of the EPCI (None: the EPCI is not in the vendored millésime)."""
    epci = cog.epci(siren)
    if epci is None:
        return None
    return tuple(
        CommuneAssignment(insee, cog.communes.get(insee, insee), departement_of_commune(insee), siren)
        for insee in epci.members
    )


def aliases_of(cog: Cog, insees: Iterable[str]) -> list[AliasAssignment]:
    return [AliasAssignment(alias, insee, kind) for insee in insees for alias, kind in cog.aliases_of(insee)]


def commune_epci(cog: Cog, insee: str, territory_epcis: Sequence[str]) -> tuple[str | None, bool]:
    """(the EPCI a commune of the national file goes through, whether the file and the COG disagree)."""
    current = cog.current(insee)
    own = cog.epci_of_commune(current[0]) if current else None
    if own is not None and own in territory_epcis:
        return own, False
    if len(territory_epcis) == 1:
        return territory_epcis[0], own is not None
    return own, own is not None


def perimeter_known(cog: Cog, sirens: Iterable[str]) -> bool:
    """Every commune of the territory is known: it has EPCI, and each is in the vendored COG."""
    listed = list(sirens)
    return bool(listed) and all(cog.epci(s) is not None for s in listed)
