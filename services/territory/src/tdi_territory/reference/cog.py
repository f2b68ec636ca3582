"""The communes of every EPCI, offline: the vendored bundle of `@etalab/decoupage-administratif` (`cog/`).

Read once per process (`load_cog`). The territory service alone reads it: when an EPCI joins a territory, its
member communes are assigned (`CommuneAssigned`) with the aliases a locator needs (`CommuneCodeAliased`); other
services learn them from those events. Built by `cog_build.py`; its version, sources and counts are in
`cog/VERSION`, its licences in `cog/LICENSE` (code, MIT) and `cog/LICENCE-DONNEES.md` (data, Licence Ouverte 2.0).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

COG_DIR = Path(__file__).parent / "cog"
BUNDLE_FILE = "decoupage-administratif.json.gz"
VERSION_FILE = "VERSION"

AliasKind = Literal["ancien", "delegue", "associe", "arrondissement"]
"""Why a code is not a current commune: a former code (merger), a commune déléguée or associée, an arrondissement
municipal of Paris, Lyon or Marseille (SIRENE gives these for an establishment there)."""


@dataclass(frozen=True)
class CogEpci:
    """An EPCI à fiscalité propre of the millésime: SIREN, name, legal form (CC, CA, CU, METRO, MET69), members."""

    siren: str
    name: str
    type: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Cog:
    """EPCI by SIREN, current communes by INSEE code, aliases by code; the reverse index commune → EPCI."""

    package: str
    version: str
    millesime: int
    epcis: dict[str, CogEpci]
    communes: dict[str, str]
    aliases: dict[str, tuple[str, AliasKind]]
    epci_by_commune: dict[str, str]
    aliases_by_commune: dict[str, tuple[tuple[str, AliasKind], ...]]

    @property
    def label(self) -> str:
        """`@etalab/decoupage-administratif@6.0.0 (COG 2026)`: what sentences and the summary quote."""
        return f"{self.package}@{self.version} (COG {self.millesime})"

    def epci(self, siren: str) -> CogEpci | None:
        return self.epcis.get(siren)

    def current(self, code: str) -> tuple[str, AliasKind | None] | None:
        """The current commune a code stands for, and the kind of alias (None: the code is current); None if unknown."""
        if code in self.communes:
            return code, None
        alias = self.aliases.get(code)
        return None if alias is None else (alias[0], alias[1])

    def epci_of_commune(self, insee: str) -> str | None:
        """The EPCI a current commune is a member of (None: 98 island and overseas communes are in none)."""
        return self.epci_by_commune.get(insee)

    def aliases_of(self, insee: str) -> tuple[tuple[str, AliasKind], ...]:
        """Every alias of a current commune, sorted by code."""
        return self.aliases_by_commune.get(insee, ())


@cache
def load_cog() -> Cog:
    data = json.loads(gzip.decompress((COG_DIR / BUNDLE_FILE).read_bytes()))
    epcis = {s: CogEpci(s, name, kind, tuple(members)) for s, (name, kind, members) in data["epci"].items()}
    aliases: dict[str, tuple[str, AliasKind]] = {a: (c, k) for a, (c, k) in data["aliases"].items()}
    by_commune: dict[str, list[tuple[str, AliasKind]]] = {}
    for alias, (insee, kind) in sorted(aliases.items()):
        by_commune.setdefault(insee, []).append((alias, kind))
    return Cog(
        package=data["package"],
        version=data["version"],
        millesime=data["millesime"],
        epcis=epcis,
        communes=data["communes"],
        aliases=aliases,
        epci_by_commune={m: e.siren for e in epcis.values() for m in e.members},
        aliases_by_commune={c: tuple(a) for c, a in by_commune.items()},
    )
