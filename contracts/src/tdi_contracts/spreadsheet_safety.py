"""Text that a spreadsheet would run as a formula (CSV/formula injection), in one place for the whole platform.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice
and Google Sheets (`=HYPERLINK("http://…")` in the export of whoever opens it). Two rules, both here:
- **every export** writes such a text cell with a leading `'` (OWASP's rule), numbers staying numbers:
  `neutralise_cell`; an import reading one of our exports takes the `'` off again: `restore_cell`;
- **at the door**, names that can never legitimately start with `=`, `+` or `@` (a fiche action's title,
  lead and partners, a territory's or an EPCI's name, a binôme's company and sector) are refused:
  `PlainLabel` (pydantic error `formula_like_text`, a 422 with that code) and `is_formula_like` for files.
  `-` stays allowed at the door ("-20 % d'émissions" is a fair title); exports still neutralise it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from .fields import Label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""
REFUSED_STARTS = ("=", "+", "@")
"""First characters refused at the door for names (a `-` may start a fair title; tab and CR are not printable)."""
FORMULA_LIKE_TEXT = "formula_like_text"
"""The field error code of a refused name."""
REFUSAL_FR = "Texte refusé : il commence par « {start} », qu'un tableur lirait comme le début d'une formule."


def neutralise_cell(value: Any) -> Any:
    """The value to write in a CSV or XLSX cell: text a spreadsheet would run gets a leading `'`; others as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """What `neutralise_cell` wrote, read back: the `'` before a formula character is taken off."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def is_formula_like(text: str) -> bool:
    """A name starting with `=`, `+` or `@`: refused wherever a name enters the platform."""
    return text.startswith(REFUSED_STARTS)


def _plain(text: str) -> str:
    if is_formula_like(text):
        raise PydanticCustomError(FORMULA_LIKE_TEXT, REFUSAL_FR, {"start": text[0]})
    return text


PlainLabel = Annotated[Label, AfterValidator(_plain)]
"""A `Label` (a name or title) that does not start with `=`, `+` or `@`: what a spreadsheet would run."""
