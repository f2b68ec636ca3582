"""The open-data files, as French public open data writes them (schema.data.gouv.fr's common rules): UTF-8, `,`
between columns, `.` in decimal numbers, `;` between the values of one cell, ISO 8601 dates, every column of the
schema in its order with its exact name, and a dated file name.

Two CSV forms of each file (a documented choice): `,` **without** a byte-order mark, for tools and validators, and
`;` **with** a UTF-8 byte-order mark, the form a spreadsheet in a French locale opens with its accents right; and an
XLSX whose code columns are text. Amounts are euros with a dot, from integer cents by integer arithmetic (never a
float). A text cell a spreadsheet would run (`=`, `+`, `-`, `@`…) gets a leading `'` (`spreadsheet_safety`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date
from enum import StrEnum
from typing import Any

from openpyxl import Workbook

from tdi_contracts.money import cents_to_decimal
from tdi_contracts.spreadsheet_safety import neutralise_cell
from tdi_reporting.opendata.schema import LIST_SEPARATOR, Column, Dataset, Kind


class Form(StrEnum):
    """The forms of one file: the route's suffix, the file name's ending and its media type."""

    CSV = "csv"
    CSV_SEMICOLON = "point-virgule.csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    Form.CSV: "text/csv; charset=utf-8",
    Form.CSV_SEMICOLON: "text/csv; charset=utf-8",
    Form.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def euros(cents: int) -> str:
    """Integer cents as euros with a dot and two decimals: 123456 -> "1234.56" (exact)."""
    return f"{cents_to_decimal(cents):f}"


def cell(column: Column, value: Any) -> str:
    """What a CSV cell holds for this column's value ("" when missing)."""
    if value is None:
        return ""
    kind = column.kind
    if kind is Kind.EUROS:
        return euros(int(value))
    if kind is Kind.COUNT:
        return str(int(value))
    if kind is Kind.FLAG:
        return "true" if value else "false"
    if kind is Kind.DAY:
        return date.isoformat(value)
    if kind is Kind.INSTANT:
        return str(value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    text = LIST_SEPARATOR.join(value) if isinstance(value, tuple | list) else str(value)
    return str(neutralise_cell(text))


def to_csv(dataset: Dataset, rows: Sequence[dict[str, Any]], form: Form) -> bytes:
    columns = dataset.published
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";" if form is Form.CSV_SEMICOLON else ",", lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerows([cell(c, row.get(c.name)) for c in columns] for row in rows)
    return out.getvalue().encode("utf-8-sig" if form is Form.CSV_SEMICOLON else "utf-8")


def _xlsx_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind is Kind.EUROS:
        return cents_to_decimal(int(value))
    if column.kind is Kind.COUNT:
        return int(value)
    if column.kind is Kind.FLAG:
        return bool(value)
    if column.kind is Kind.DAY:
        return value
    if column.kind is Kind.INSTANT:  # Excel has no time zone: the instant in UTC, as the schema says
        return value.astimezone(UTC).replace(tzinfo=None)
    return cell(column, value)


_FORMATS = {Kind.EUROS: "0.00", Kind.DAY: "yyyy-mm-dd", Kind.INSTANT: "yyyy-mm-dd hh:mm:ss"}


def to_xlsx(dataset: Dataset, rows: Sequence[dict[str, Any]]) -> bytes:
    """One sheet named after the dataset, a header row, codes and names as text cells (the "@" format)."""
    columns = dataset.published
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = dataset.slug[:31]
    sheet.append([c.name for c in columns])
    for row in rows:
        sheet.append([_xlsx_value(c, row.get(c.name)) for c in columns])
    for index, column in enumerate(columns, start=1):
        number_format = _FORMATS.get(column.kind, "@" if column.kind in (Kind.TEXT, Kind.CODE, Kind.CODES) else None)
        if number_format:
            for (found,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                found.number_format = number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(dataset: Dataset, rows: Sequence[dict[str, Any]], form: Form) -> bytes:
    return to_xlsx(dataset, rows) if form is Form.XLSX else to_csv(dataset, rows, form)


def file_name(dataset: Dataset, day: date, form: Form) -> str:
    """`territoires-d-industrie-2026-12-06.csv`, `…-communes-2026-12-06-point-virgule.csv`, `….xlsx`."""
    return f"{dataset.stem}-{day.isoformat()}{'-' if form is Form.CSV_SEMICOLON else '.'}{form.value}"
