"""Reading an uploaded action plan: XLSX (first sheet) or CSV (`;` or `,`, UTF-8 with or without BOM).

A file the import cannot read as a whole (too large, another format, missing columns, no row) is refused
before anything is imported, with a stable code and a French sentence.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tdi_actions.text import normalise
from tdi_runtime.errors import DomainError

COLUMNS = {
    "territoire": "territoire",
    "reference": "reference",
    "titre": "titre",
    "description": "description",
    "maturite": "maturite",
    "type porteur": "type_porteur",
    "porteur": "porteur",
    "partenaires": "partenaires",
    "categories": "categories",
    "budget eur": "budget_eur",
    "emplois attendus": "emplois_attendus",
    "investissement eur": "investissement_eur",
    "budget centimes": "budget_centimes",
    "investissement centimes": "investissement_centimes",
    "statut": "statut",
    "date statut": "date_statut",
    "synthetique": "synthetique",
}
"""Normalised header (case, accents, `_`/`-`/spaces ignored) -> column name used in reports."""
REQUIRED = ("territoire", "titre", "categories", "porteur")


class ImportFileError(DomainError):
    code = "IMPORT_FILE_INVALID"


class ImportFileTooLargeError(ImportFileError):
    code = "IMPORT_FILE_TOO_LARGE"
    http_status = 413


class ImportFormatError(ImportFileError):
    code = "IMPORT_FILE_FORMAT_UNSUPPORTED"
    http_status = 415


@dataclass(frozen=True)
class Table:
    """The rows of the file as text by column name, each with its line number in the spreadsheet."""

    rows: list[tuple[int, dict[str, str]]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):  # Excel numbers: the decimal text the cell shows, never a float for money
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [[_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign zip: all mean "not readable"
        raise ImportFormatError("Le fichier n'est pas un classeur XLSX lisible.") from error


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = "Le fichier n'est ni un classeur XLSX ni un CSV encodé en UTF-8 : enregistrez-le en « CSV UTF-8 »."
        raise ImportFormatError(message) from error
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:  # a NUL byte, a field beyond the csv module's limit
        raise ImportFormatError(f"Le fichier CSV est illisible ({error}).") from error


def read_table(data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    """The rows of an XLSX or CSV file; refused as a whole when it cannot be imported as a whole."""
    if len(data) > max_bytes:
        message = f"Le fichier dépasse la taille maximale de {max_bytes // 1024} Kio : découpez le plan d'actions."
        raise ImportFileTooLargeError(message, details={"max_bytes": max_bytes})
    lines = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if any(cell for cell in line)]
    if not numbered:
        raise ImportFileError("Le fichier est vide.", code="IMPORT_FILE_EMPTY")
    header = [COLUMNS.get(normalise(h), "") for h in numbered[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        message = f"Colonnes obligatoires absentes : {', '.join(missing)} (attendues : {', '.join(REQUIRED)})."
        raise ImportFileError(message, code="IMPORT_COLUMNS_MISSING", details={"missing": missing})
    if len(numbered) - 1 > max_rows:
        message = f"Le fichier compte {len(numbered) - 1} lignes ; un import en accepte au plus {max_rows}."
        raise ImportFileTooLargeError(message, details={"max_rows": max_rows})
    if len(numbered) == 1:
        raise ImportFileError("Le fichier ne contient aucune fiche action sous l'en-tête.", code="IMPORT_FILE_EMPTY")
    rows = [(n, {name: cell for name, cell in zip(header, line, strict=False) if name}) for n, line in numbered[1:]]
    return Table(rows)
