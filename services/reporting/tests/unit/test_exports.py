"""Exports read back the way a spreadsheet or a script would: accents, `;` separator, codes kept as text."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from tdi_reporting.exports import to_csv, to_json, to_xlsx

COLUMNS = ("niveau", "code_zone", "libelle_zone", "fiches_actions", "cloturee")
ROWS = [
    {"niveau": "departement", "code_zone": "01", "libelle_zone": "Ain", "fiches_actions": 3, "cloturee": False},
    {"niveau": "departement", "code_zone": "2A", "libelle_zone": "Corse-du-Sud", "fiches_actions": 1, "cloturee": True},
    {
        "niveau": "departement",
        "code_zone": "971",
        "libelle_zone": "Guadeloupe ; « Basse-Terre »",
        "fiches_actions": 0,
        "cloturee": None,
    },
]


def test_a_semicolon_csv_reads_back_with_accents_and_codes_as_written():
    body = to_csv(ROWS, COLUMNS, sep=";")
    assert body.startswith("\ufeff".encode())  # spreadsheets detect UTF-8 by its byte-order mark
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [r["code_zone"] for r in rows] == ["01", "2A", "971"]
    assert rows[2]["libelle_zone"] == "Guadeloupe ; « Basse-Terre »"
    assert [r["cloturee"] for r in rows] == ["non", "oui", ""]


def test_a_comma_csv_without_bom_is_plain_utf8():
    body = to_csv(ROWS, COLUMNS, bom=False)
    assert body.decode("utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_an_xlsx_keeps_codes_as_text_cells():
    book = load_workbook(io.BytesIO(to_xlsx(ROWS, COLUMNS, title="actions")))
    sheet = book["actions"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    codes = [sheet.cell(row=i, column=2) for i in (2, 3, 4)]
    assert [c.value for c in codes] == ["01", "2A", "971"]
    assert all(c.data_type == "s" and c.number_format == "@" for c in codes)
    assert sheet.cell(row=4, column=3).value == "Guadeloupe ; « Basse-Terre »"


def test_a_json_export_names_its_columns_and_keeps_accents():
    document = json.loads(to_json(ROWS, COLUMNS, read_model="actions"))
    assert document["columns"] == list(COLUMNS) and document["rows"][1]["libelle_zone"] == "Corse-du-Sud"


FORMULAS = ['=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tonglet", "\rretour"]
FORMULA_ROWS = [
    {"niveau": "territory", "code_zone": "tdi-44-x", "libelle_zone": text, "fiches_actions": -4, "cloturee": False}
    for text in FORMULAS
]


def test_a_csv_cell_a_spreadsheet_would_read_as_a_formula_is_written_as_text_and_numbers_stay_numbers():
    rows = list(csv.DictReader(io.StringIO(to_csv(FORMULA_ROWS, COLUMNS).decode("utf-8-sig"))))
    assert [r["libelle_zone"] for r in rows] == ["'" + text for text in FORMULAS]
    assert {r["fiches_actions"] for r in rows} == {"-4"}


def test_an_xlsx_cell_a_spreadsheet_would_read_as_a_formula_is_a_text_cell_and_numbers_stay_numbers():
    sheet = load_workbook(io.BytesIO(to_xlsx(FORMULA_ROWS, COLUMNS, title="t")))["t"]
    names = [sheet.cell(row=i, column=3) for i in range(2, 2 + len(FORMULAS))]
    # XML reads a carriage return back as a line feed; the leading quote is what matters.
    assert [c.value for c in names] == ["'" + text.replace("\r", "\n") for text in FORMULAS]
    assert all(c.data_type == "s" for c in names)  # never "f" (a formula)
    counts = [sheet.cell(row=i, column=4) for i in range(2, 2 + len(FORMULAS))]
    assert all(c.value == -4 and c.data_type == "n" for c in counts)
