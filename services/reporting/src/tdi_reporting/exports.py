"""Exports of a read model in the conventions of French public open data: UTF-8, `,` or `;` CSV, XLSX, JSON.

Codes (INSEE region and département codes, territory ids) stay text: "01", "2A" and "971" are never numbers.
Amounts are integer euro cents (columns ending in `_centimes`); booleans are `oui` / `non` in CSV and XLSX.
Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'` in CSV and
XLSX (`tdi_contracts.spreadsheet_safety`, the rule of every export); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from tdi_contracts.spreadsheet_safety import neutralise_cell

TEXT_COLUMNS = {"code_zone", "code_region", "code_enveloppe", "code_departement"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return "" if value is None else neutralise_cell(value)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, sep: str = ",", bom: bool = True) -> bytes:
    """CSV in UTF-8 (with a byte-order mark by default, so spreadsheets read the accents right)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def to_xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, title: str) -> bytes:
    """One sheet, a header row, code columns formatted as text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    for index, column in enumerate(columns, start=1):
        if column in TEXT_COLUMNS or column.startswith("code_"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json(rows: Sequence[dict[str, Any]], columns: Sequence[str], **about: Any) -> bytes:
    return json.dumps({**about, "columns": list(columns), "rows": list(rows)}, ensure_ascii=False).encode()
