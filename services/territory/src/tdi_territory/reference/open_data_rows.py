"""Reading of open-data CSV rows and checks of their cells: INSEE commune code, SIREN (Luhn), ti- ids, names."""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

from tdi_contracts.ids import luhn_is_valid
from tdi_contracts.spreadsheet_safety import REFUSAL_FR, is_formula_like
from tdi_territory.reference.annex_text import departement_of
from tdi_territory.reference.nature_juridique import NatureJuridique

_COMMUNE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")
_SIREN = re.compile(r"^\d{9}$")
_OFFICIAL_ID = re.compile(r"^ti-\d{1,6}$")


class OpenDataFileError(ValueError):
    """A file that cannot be read at all because columns are missing."""

    code = "MISSING_COLUMNS"


@dataclass(frozen=True)
class RowProblem:
    """Why one cell is refused: a stable code and a French sentence for programme staff."""

    code: str
    message: str


def check_official_id(value: str) -> RowProblem | None:
    if _OFFICIAL_ID.match(value):
        return None
    return RowProblem("INVALID_TERRITORY_ID", f"L'identifiant « {value} » n'a pas la forme ti-<nombre>.")


def check_commune_code(value: str) -> RowProblem | None:
    departement = value[:3] if value.startswith("97") else value[:2]
    if _COMMUNE.match(value) and departement_of(departement) is not None:
        return None
    message = f"Le code commune INSEE « {value} » n'est pas valide (département + 3 chiffres)."
    return RowProblem("INVALID_INSEE_COMMUNE_CODE", message)


def check_name(value: str) -> RowProblem | None:
    """A commune's or an EPCI's name never starts like a spreadsheet formula (it would run in an export)."""
    if not is_formula_like(value):
        return None
    refusal = REFUSAL_FR.format(start=value[0])
    return RowProblem("FORMULA_LIKE_TEXT", f"Nom « {value[:60]} » : {refusal[0].lower()}{refusal[1:]}")


def check_siren(value: str) -> RowProblem | None:
    if _SIREN.match(value) and luhn_is_valid(value):
        return None
    message = f"Le SIREN « {value} » n'est pas valide (9 chiffres avec clé de Luhn)."
    return RowProblem("INVALID_SIREN", message)


def check_nature_juridique(value: str) -> RowProblem | None:
    if value in {member.value for member in NatureJuridique}:
        return None
    known = ", ".join(NatureJuridique)
    message = f"La nature juridique « {value} » n'est pas une forme d'EPCI connue ({known})."
    return RowProblem("INVALID_NATURE_JURIDIQUE", message)


Checks = dict[str, Callable[[str], RowProblem | None]]


DELIMITERS = (";", ",")
"""National open-data files come with either; the header line tells which (the one it holds more of)."""


def read_rows(stream: TextIO, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, stripped cells) for each row; the header must hold every column.

    The delimiter is `;` or `,`, read off the header; a UTF-8 byte order mark before the header is dropped.
    """
    text = stream.read().removeprefix("\ufeff")
    header = text.partition("\n")[0]
    delimiter = max(DELIMITERS, key=header.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise OpenDataFileError(f"Colonnes absentes du fichier : {', '.join(missing)}.")
    for row in reader:
        yield reader.line_num, {c: (row.get(c) or "").strip() for c in columns}


def check_row(row: dict[str, str], checks: Checks) -> RowProblem | None:
    """The first problem of a row: an empty cell, then each check in order."""
    empty = [column for column, value in row.items() if not value]
    if empty:
        return RowProblem("MISSING_VALUE", f"Valeur manquante : {', '.join(empty)}.")
    return next((p for column, check in checks.items() if (p := check(row[column]))), None)
