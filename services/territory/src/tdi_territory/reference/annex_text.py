"""Lexer of the annex text: finds the list in the press kit and yields its rows with their region heading."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tdi_contracts.reference import Departement, Region
from tdi_territory.reference.names import normalise_name

ANNEX_TITLE = "Liste des Territoires d'industrie"
INTERREGIONAL_FOOTNOTE = "*Territoire d'industrie interrégional"

_ROW = re.compile(r"^(?P<code>[0-9A-Z]{2,3}) - (?P<departement>[^\t]+)\t(?P<name>.*)$")
_HYPHENATION = re.compile(r"(?<=[a-zà-ÿ])- (?=[a-zà-ÿ])")
OVERSEAS_REGIONS: frozenset[str] = frozenset({"01", "02", "03", "04", "06"})
"""The annex groups these five regions under one heading, "Outre-mer"."""
_HEADINGS: dict[str, frozenset[str]] = {normalise_name(r.label): frozenset({r.value}) for r in Region}
_HEADINGS[normalise_name("Outre-mer")] = OVERSEAS_REGIONS


class AnnexFormatError(ValueError):
    """The text does not read as the annex (no title, unknown département, a row before any heading…)."""


@dataclass(frozen=True)
class AnnexRow:
    """One "<code> - <département>\\t<name>" line; name is None on a continuation line (empty name).

    after_gap is true when blank lines or a footnote separate the row from the row before it under
    the same heading: a page or column break of the PDF, where extraction may have lost a line.
    """

    line: int
    departement: str
    name: str | None
    heading: str
    heading_regions: frozenset[str]
    after_gap: bool


def read_annex_rows(text: str) -> Iterator[AnnexRow]:
    """Yield the rows of the annex, which ends at the first line that is neither row, heading nor footnote."""
    lines = text.splitlines()
    try:
        start = lines.index(ANNEX_TITLE)
    except ValueError:
        raise AnnexFormatError(f"no line « {ANNEX_TITLE} » in the text") from None
    heading: tuple[str, frozenset[str]] | None = None
    gap = previous_is_row = False
    for number, raw in enumerate(lines[start + 1 :], start=start + 2):
        line = raw.strip()
        if not line or line == INTERREGIONAL_FOOTNOTE:
            gap = gap or previous_is_row
            continue
        match = _ROW.match(raw.rstrip("\n"))
        if match is None:
            regions = _HEADINGS.get(normalise_name(line))
            if regions is None:
                return
            heading, gap, previous_is_row = (line, regions), False, False
            continue
        if heading is None:
            raise AnnexFormatError(f"line {number}: a territory before any region heading")
        name = match["name"].strip() or None
        yield AnnexRow(number, _departement(match, number), name, *heading, after_gap=gap)
        gap, previous_is_row = False, True


def _departement(match: re.Match[str], number: int) -> str:
    code = match["code"]
    known = departement_of(code)
    printed = _HYPHENATION.sub("", match["departement"])
    if known is None or normalise_name(known.label) != normalise_name(printed):
        raise AnnexFormatError(f"line {number}: unknown département « {code} - {printed} »")
    return code


def departement_of(code: str) -> Departement | None:
    """The département of an INSEE code ("51", "2A", "971"), or None when there is no such département."""
    try:
        return Departement(code)
    except ValueError:
        return None
