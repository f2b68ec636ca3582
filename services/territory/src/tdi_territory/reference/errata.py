"""Errata of the extracted annex: corrections the text alone cannot give, each citing the seed line it fixes.

An erratum changes what a territory is called or spans, never its platform id (derived from the annex as
printed, assigned once). The build refuses an erratum whose cited line no longer reads as quoted.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from tdi_territory.reference.annex_parser import AnnexTerritory
from tdi_territory.reference.annex_text import AnnexFormatError

ERRATA_FILE = Path(__file__).with_name("errata.json")


@dataclass(frozen=True)
class Erratum:
    """A correction of one annex row: a new name and/or départements the row lacks, and why."""

    line: int
    printed: str
    why: str
    name: str | None = None
    add_departements: tuple[str, ...] = ()


def load_errata(path: Path = ERRATA_FILE) -> list[Erratum]:
    rows = json.loads(path.read_text(encoding="utf-8"))["errata"]
    return [
        Erratum(r["line"], r["printed"], r["why"], r.get("name"), tuple(r.get("add_departements", ()))) for r in rows
    ]


def apply_errata(seed_text: str, territories: list[AnnexTerritory], errata: list[Erratum]) -> list[Erratum]:
    """Correct the parsed territories in place; every erratum must match its seed line and one territory."""
    lines = seed_text.splitlines()
    for erratum in errata:
        if erratum.line > len(lines) or lines[erratum.line - 1] != erratum.printed:
            raise AnnexFormatError(f"erratum of line {erratum.line}: the seed no longer reads « {erratum.printed} »")
        territory = next((t for t in territories if erratum.line in t.lines), None)
        if territory is None:
            raise AnnexFormatError(f"erratum of line {erratum.line}: no territory was read from that line")
        territory.name = erratum.name or territory.name
        territory.departements += [d for d in erratum.add_departements if d not in territory.departements]
    return errata
