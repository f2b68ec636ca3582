"""Reading an uploaded action plan: XLSX (first sheet) or CSV (`;` or `,`, UTF-8 with or without BOM).

A file the import cannot read as a whole (too large, another format, missing columns, no row) is refused
before anything is imported, with a stable code and a French sentence.

A file is read by what it holds, never by what it declares, within bounds (platform rules, `ImportSettings`):
- an XLSX's declared `<dimension>` is ignored (openpyxl would pad every row and the gaps between rows to it:
  a 5 KB file declaring `A1:XFD1048576` asks for 17 billion cells), and its parts may unpack to at most
  `max_uncompressed_bytes` (a zip bomb is refused from the archive's directory, before anything is unpacked;
  zipfile never unpacks an entry beyond the size its directory declares);
- at most `max_columns` columns are read: a value beyond them refuses the file, empty cells there are ignored;
- reading stops at the first line past `max_rows`;
- a cell holds at most `MAX_CELL_CHARS` characters and no control character (tab and line breaks excepted).
The service reads a file in a child process bounded in time and memory (`importing.bounded`).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tdi_actions.text import normalise
from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError

MAX_COLUMNS = 64
"""Columns read per line (platform rule): the template has 15; a value further right refuses the file."""
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
"""What an XLSX's parts may unpack to, together (platform rule): ten times the upload limit."""
MAX_CELL_CHARS = csv.field_size_limit()
"""Characters in one cell (platform rule): the csv module's own limit (131,072), for XLSX cells too."""
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters no text of a fiche may hold (C0 but tab, LF and CR; DEL; C1)."""
_MIB = 1024 * 1024


def _fr(count: int) -> str:
    """`131 072`: a count written the French way."""
    return f"{count:,}".replace(",", "\u202f")


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


def _unpacked_size(data: bytes, limit: int) -> None:
    """Refuse a workbook whose parts would unpack past `limit`, from the archive's directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise DomainError(
            ErrorCode.IMPORT_FILE_FORMAT_UNSUPPORTED, "Le fichier n'est pas un classeur XLSX lisible."
        ) from error
    if unpacked > limit:
        message = (
            f"Le classeur décompressé occuperait {unpacked // _MIB} Mio, au-delà de la limite de {limit // _MIB} Mio"
            " : découpez le plan d'actions ou enregistrez-le en CSV."
        )
        raise DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, message, max_uncompressed_bytes=limit)


def _xlsx_lines(data: bytes, max_uncompressed_bytes: int) -> Iterator[Sequence[Any]]:
    """The first sheet's lines as openpyxl reads them, each as long as its last written cell, no longer."""
    from openpyxl import load_workbook

    _unpacked_size(data, max_uncompressed_bytes)
    unreadable = "Le fichier n'est pas un classeur XLSX lisible."
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign zip: all mean "not readable"
        raise DomainError(ErrorCode.IMPORT_FILE_FORMAT_UNSUPPORTED, unreadable) from error
    try:
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # never pad to the declared <dimension>: read the cells the sheet holds
            lines = sheet.iter_rows(values_only=True)
        except MemoryError:
            raise
        except Exception as error:
            raise DomainError(ErrorCode.IMPORT_FILE_FORMAT_UNSUPPORTED, unreadable) from error
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except MemoryError:
                raise
            except Exception as error:
                raise DomainError(ErrorCode.IMPORT_FILE_FORMAT_UNSUPPORTED, unreadable) from error
            yield line
    finally:
        book.close()


def _csv_lines(data: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = "Le fichier n'est ni un classeur XLSX ni un CSV encodé en UTF-8 : enregistrez-le en « CSV UTF-8 »."
        raise DomainError(ErrorCode.IMPORT_FILE_FORMAT_UNSUPPORTED, message) from error
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    line = 0
    while True:
        line += 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                message = (
                    f"Ligne {line} : une cellule dépasse {_fr(MAX_CELL_CHARS)} caractères, la limite d'une cellule."
                )
                too_large = ErrorCode.IMPORT_FILE_TOO_LARGE
                raise DomainError(too_large, message, line=line, max_cell_chars=MAX_CELL_CHARS) from error
            message = f"Le fichier CSV est illisible à la ligne {line} (guillemets ou séparateurs mal placés)."
            raise DomainError(ErrorCode.IMPORT_FILE_FORMAT_UNSUPPORTED, message, line=line) from error


def _column_label(header: list[str] | None, index: int) -> str:
    """The column's name when the header names a known column, else its spreadsheet letter (A, B, … AA)."""
    if header is not None and index < len(header) and header[index]:
        return header[index]
    from openpyxl.utils.cell import get_column_letter

    return str(get_column_letter(index + 1))


def _cells(line: int, values: Sequence[Any], header: list[str] | None, max_columns: int) -> list[str]:
    """The line's cells as text, checked: within the column cap, no cell too long, no control character."""
    if len(values) > max_columns:
        if any(_text(v) for v in values[max_columns:]):
            message = (
                f"Ligne {line} : le fichier a des valeurs au-delà de la colonne {max_columns} ; un plan d'actions"
                f" en compte au plus {max_columns} colonnes."
            )
            raise DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, message, line=line, max_columns=max_columns)
        values = values[:max_columns]
    cells = [_text(v) for v in values]
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            column = _column_label(header, index)
            message = f"Ligne {line}, colonne « {column} » : la cellule dépasse {_fr(MAX_CELL_CHARS)} caractères."
            too_large = ErrorCode.IMPORT_FILE_TOO_LARGE
            raise DomainError(too_large, message, line=line, column=column, max_cell_chars=MAX_CELL_CHARS)
        if found := CONTROL.search(cell):
            column = _column_label(header, index)
            message = (
                f"Ligne {line}, colonne « {column} » : la cellule contient un caractère de contrôle"
                f" (U+{ord(found.group()):04X}) qu'une fiche action ne peut pas contenir."
            )
            raise DomainError(ErrorCode.IMPORT_FILE_INVALID, message, line=line, column=column)
    return cells


def read_table(
    data: bytes,
    *,
    max_bytes: int,
    max_rows: int,
    max_columns: int = MAX_COLUMNS,
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
) -> Table:
    """The rows of an XLSX or CSV file; refused as a whole when it cannot be imported as a whole."""
    if len(data) > max_bytes:
        message = f"Le fichier dépasse la taille maximale de {max_bytes // 1024} Kio : découpez le plan d'actions."
        raise DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, message, max_bytes=max_bytes)
    lines = _xlsx_lines(data, max_uncompressed_bytes) if data[:4] == b"PK\x03\x04" else _csv_lines(data)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(lines, start=1):
        cells = _cells(number, values, header, max_columns)
        if not any(cells):
            continue
        if header is None:
            header = [COLUMNS.get(normalise(h), "") for h in cells]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                message = f"Colonnes obligatoires absentes : {', '.join(missing)} (attendues : {', '.join(REQUIRED)})."
                raise DomainError(ErrorCode.IMPORT_COLUMNS_MISSING, message, missing=missing)
            continue
        if len(rows) == max_rows:  # one line past the limit: stop reading here
            message = f"Le fichier compte plus de {max_rows} lignes ; un import en accepte au plus {max_rows}."
            raise DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, message, max_rows=max_rows)
        rows.append((number, {name: cell for name, cell in zip(header, cells, strict=False) if name}))
    if header is None:
        raise DomainError(ErrorCode.IMPORT_FILE_EMPTY, "Le fichier est vide.")
    if not rows:
        raise DomainError(ErrorCode.IMPORT_FILE_EMPTY, "Le fichier ne contient aucune fiche action sous l'en-tête.")
    return Table(rows)
