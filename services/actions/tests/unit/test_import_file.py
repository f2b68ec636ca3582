"""Reading an action plan file: XLSX or CSV as territories keep them; unreadable files refused as a whole."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tdi_actions.importing.rows import RowCommand, RowRefusal, parse_row
from tdi_actions.importing.spreadsheet import read_table
from tdi_actions.lifecycle import FicheStatus
from tdi_contracts.reference import Category
from tdi_runtime.errors import DomainError

LIMITS = {"max_bytes": 100_000, "max_rows": 10}
HEADER = ["Territoire", "Référence", "Titre", "Catégories", "Porteur", "Budget (EUR)", "Statut"]
ROW = [
    "tdi-44-grand-reims",
    "GR-1",
    "Réseau de chaleur",
    "Transition énergétique|gestion-eau",
    "CU",
    "1 200 000,50",
    "programmée",
]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("separator", [";", ","])
def test_a_csv_with_either_separator_and_a_bom_reads_the_same_as_the_xlsx(separator):
    header = [h.replace(" (EUR)", "_eur") for h in HEADER]
    row = [c.replace(",", ".") if separator == "," else c for c in ROW]
    text = "\n".join(separator.join(r) for r in (header, row))
    from_csv = read_table(("\ufeff" + text).encode(), **LIMITS).rows
    from_xlsx = read_table(xlsx([[h.replace(" (EUR)", " eur") for h in HEADER], ROW]), **LIMITS).rows
    assert from_csv[0][1]["budget_eur"].replace(",", ".") == from_xlsx[0][1]["budget_eur"].replace(",", ".")
    assert from_csv[0][0] == 2
    assert from_csv[0][1]["titre"] == "Réseau de chaleur"


def test_a_row_reads_categories_by_name_or_slug_and_amounts_to_the_cent():
    ((line, cells),) = read_table(
        xlsx([["territoire", "titre", "categories", "porteur", "budget_eur", "statut"], ROW[:1] + ROW[2:]]), **LIMITS
    ).rows
    row = parse_row(line, cells, date(2024, 3, 1))
    assert isinstance(row, RowCommand)
    assert row.fiche.categories == [Category.TRANSITION_ENERGETIQUE, Category.GESTION_EAU]
    assert row.fiche.estimated_cost_cents == 120_000_050
    assert (row.status, row.on) == (FicheStatus.PLANNED, date(2024, 3, 1))


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"categories": "Pêche en haute mer"}, "categories"),
        ({"budget_eur": "12,345"}, "budget_eur"),
        ({"budget_eur": "beaucoup"}, "budget_eur"),
        ({"budget_eur": "Infinity"}, "budget_eur"),
        ({"budget_eur": "NaN"}, "budget_eur"),
        ({"emplois_attendus": "²"}, "emplois_attendus"),
        ({"titre": ""}, "titre"),
        ({"statut": "presque fini"}, "statut"),
        ({"date_statut": "32/01/2024"}, "date_statut"),
    ],
)
def test_a_bad_cell_refuses_its_row_naming_the_column_in_french(cells, column):
    good = {"territoire": "tdi-44-grand-reims", "titre": "T", "categories": "numerique", "porteur": "CU"}
    row = parse_row(7, {**good, **cells}, date(2024, 3, 1))
    assert isinstance(row, RowRefusal)
    assert (row.code, row.column) == ("INVALID_ROW", column)
    assert row.reason.startswith(f"Ligne 7, colonne « {column} »")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"x" * 100_001, "IMPORT_FILE_TOO_LARGE"),
        (b"territoire;titre\n", "IMPORT_COLUMNS_MISSING"),
        ("Titre;Catégories\nA;B\n".encode("latin-1"), "IMPORT_FILE_FORMAT_UNSUPPORTED"),
        (b"PK\x03\x04 not really a zip", "IMPORT_FILE_FORMAT_UNSUPPORTED"),
        (b"\n\n", "IMPORT_FILE_EMPTY"),
        (b"territoire;titre;categories;porteur\n", "IMPORT_FILE_EMPTY"),
        (("territoire;titre;categories;porteur\n" + "a;b;c;d\n" * 11).encode(), "IMPORT_FILE_TOO_LARGE"),
    ],
)
def test_a_file_that_cannot_be_imported_whole_is_refused_with_a_code(data, code):
    with pytest.raises(DomainError) as refused:
        read_table(data, **LIMITS)
    assert refused.value.code == code
    assert refused.value.message


CELLS = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(["1 000,5", "Infinity", "réalisée", "|"])


@given(st.lists(st.lists(CELLS, min_size=4, max_size=8), max_size=5), st.sampled_from([";", ","]))
@settings(max_examples=150, deadline=None)
def test_any_csv_is_read_or_refused_with_a_code_and_any_row_parsed_or_refused(lines, separator):
    text = "\n".join(separator.join(line) for line in [["territoire", "titre", "categories", "porteur"], *lines])
    try:
        table = read_table(text.encode(), **LIMITS)
    except DomainError as refused:
        assert refused.code.startswith("IMPORT_")
        return
    for line, cells in table.rows:
        assert isinstance(parse_row(line, cells, date(2024, 1, 1)), RowCommand | RowRefusal)


@given(st.binary(max_size=300))
@settings(max_examples=100, deadline=None)
def test_any_bytes_are_read_or_refused_with_a_code(data):
    try:
        read_table(data, **LIMITS)
    except DomainError as refused:
        assert refused.code.startswith("IMPORT_")
    try:
        read_table(b"PK\x03\x04" + data, **LIMITS)
    except DomainError as refused:
        assert refused.code == "IMPORT_FILE_FORMAT_UNSUPPORTED"


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"titre": '=HYPERLINK("http://x")'}, "titre"),
        ({"porteur": "@SUM(A1)"}, "porteur"),
        ({"partenaires": "ADEME|+cmd"}, "partenaires"),
    ],
)
def test_a_row_whose_title_lead_or_partner_a_spreadsheet_would_run_is_refused_saying_why(cells, column):
    good = {"territoire": "tdi-44-grand-reims", "titre": "T", "categories": "numerique", "porteur": "CU"}
    row = parse_row(7, {**good, **cells}, date(2024, 3, 1))
    assert isinstance(row, RowRefusal)
    assert (row.code, row.column) == ("INVALID_ROW", column)
    assert "tableur" in row.reason and "formule" in row.reason


def test_a_title_an_export_wrote_with_a_leading_quote_reads_back_as_it_was():
    good = {"territoire": "tdi-44-grand-reims", "categories": "numerique", "porteur": "CU"}
    row = parse_row(7, {**good, "titre": "'-20 % d'émissions"}, date(2024, 3, 1))
    assert isinstance(row, RowCommand)
    assert row.fiche.title == "-20 % d'émissions"


def test_a_file_exported_by_reporting_reads_its_amounts_in_cents_and_its_status_codes():
    header = ["territoire", "libelle_territoire", "code_fiche", "reference", "titre", "maturite", "type_porteur",
              "porteur", "partenaires", "categories", "budget_centimes", "emplois_attendus", "investissement_centimes",
              "statut", "libelle_statut", "date_statut", "synthetique"]  # fmt: skip
    row = ["tdi-44-grand-reims", "Grand Reims", "f1", "GR-7", "Réseau", "ready", "role", "Président de l'EPCI",
           "ADEME|CCI", "numerique|gestion-eau", "120000050", "25", "", "in-progress", "En cours", "2025-01-10",
           "oui"]  # fmt: skip
    data = ("\ufeff" + ";".join(header) + "\r\n" + ";".join(row) + "\r\n").encode()
    ((line, cells),) = read_table(data, **LIMITS).rows
    parsed = parse_row(line, cells, date(2024, 3, 1))
    assert isinstance(parsed, RowCommand), parsed
    assert (parsed.fiche.estimated_cost_cents, parsed.fiche.expected_investment_cents) == (120_000_050, None)
    assert (parsed.status, parsed.on, parsed.fiche.synthetic) == (FicheStatus.IN_PROGRESS, date(2025, 1, 10), True)
    assert parsed.fiche.partners == ["ADEME", "CCI"] and parsed.fiche.lead_kind.value == "role"


@pytest.mark.parametrize("cents", ["12,5", "1 000", "-3", "1e3"])
def test_an_amount_in_cents_that_is_not_a_whole_number_refuses_its_row(cents):
    good = {"territoire": "tdi-44-grand-reims", "titre": "T", "categories": "numerique", "porteur": "CU"}
    row = parse_row(7, {**good, "budget_centimes": cents}, date(2024, 3, 1))
    assert isinstance(row, RowRefusal) and row.column == "budget_centimes"
