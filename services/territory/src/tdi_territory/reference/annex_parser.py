"""Parser of the press kit annex "Liste des Territoires d'industrie" into one record per territory."""

import re
from dataclasses import dataclass, field

from tdi_contracts.reference import Departement
from tdi_territory.reference.annex_text import AnnexFormatError, AnnexRow, read_annex_rows
from tdi_territory.reference.names import normalise_name, platform_territory_id

__all__ = ["AnnexFormatError", "AnnexNote", "AnnexTerritory", "parse_annex", "territory_id"]


@dataclass
class AnnexTerritory:
    """One territory as the annex lists it, with the seed lines it was read from."""

    name: str
    departements: list[str] = field(default_factory=list)
    interregional: bool = False
    lines: list[int] = field(default_factory=list)

    @property
    def regions(self) -> list[str]:
        return sorted({Departement(code).region.value for code in self.departements})


@dataclass(frozen=True)
class AnnexNote:
    """A quirk of the extracted annex the parser resolved, kept as evidence for the reconciliation."""

    line: int
    kind: str
    detail: str


def territory_id(territory: AnnexTerritory) -> str:
    """Stable internal id: "tdi-<lowest INSEE region code>-<slug of the name>", e.g. "tdi-44-grand-reims"."""
    return platform_territory_id(territory.name, territory.regions)


def parse_annex(text: str) -> tuple[list[AnnexTerritory], list[AnnexNote]]:
    """Read the annex out of the whole press kit text; territories come in annex order, each listed once."""
    by_name: dict[str, AnnexTerritory] = {}
    notes: list[AnnexNote] = []
    current: AnnexTerritory | None = None
    for row in read_annex_rows(text):
        if row.after_gap:
            notes.append(AnnexNote(row.line, "gap_before_row", "blank lines or a footnote before this row"))
        if row.name is None:
            if current is None:
                raise AnnexFormatError(f"line {row.line}: a département without any territory before it")
            _add_departement(current, row, notes, "continuation")
            continue
        name, starred = _clean_name(row.name)
        key = normalise_name(name)
        current = by_name.get(key)
        if current is None:
            current = by_name[key] = AnnexTerritory(name=name)
        elif not starred:
            first = current.lines[0]
            notes.append(AnnexNote(row.line, "repeated_name", f"« {name} » already listed at line {first}"))
        current.interregional = current.interregional or starred
        _add_departement(current, row, notes, "named")
    territories = list(by_name.values())
    for territory in territories:
        if territory.interregional != (len(territory.regions) > 1):
            raise AnnexFormatError(f"« {territory.name} »: the * marker disagrees with its regions")
    return territories, notes


def _add_departement(territory: AnnexTerritory, row: AnnexRow, notes: list[AnnexNote], kind: str) -> None:
    territory.lines.append(row.line)
    if row.departement in territory.departements:
        detail = f"« {territory.name} »: département {row.departement} repeated ({kind} row)"
        notes.append(AnnexNote(row.line, "repeated_departement", detail))
    else:
        territory.departements.append(row.departement)
    if Departement(row.departement).region.value not in row.heading_regions:
        detail = f"« {territory.name} » ({row.departement}) printed under the heading « {row.heading} »"
        notes.append(AnnexNote(row.line, "outside_heading", detail))


_HYPHENATION = re.compile(r"(?<=[a-zà-ÿ])- (?=[a-zà-ÿ])")


def _clean_name(raw: str) -> tuple[str, bool]:
    """Join words split by hyphenation ("Anti- polis") and strip the interregional marker "*"."""
    name = " ".join(_HYPHENATION.sub("", raw).split())
    starred = name.endswith("*")
    return name.rstrip("*").rstrip(), starred
