"""The open-data files (issue 25) follow French public open-data conventions and validate against their Table
Schemas with frictionless; they open in a spreadsheet with their accents and leading zeros; amounts are euros with a
dot, exact; nothing non-public is in them."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from frictionless import Resource, Schema, formats

from tdi_reporting.opendata.catalogue import DATASETS
from tdi_reporting.opendata.files import Form, cell, euros, file_name, render
from tdi_reporting.opendata.schema import Column, Kind, table_schema

sys.path.insert(0, str(Path(__file__).parent))
import opendata_fixture as fx

PRODUCER = "Agence nationale de la cohésion des territoires (ANCT)"
WITHHELD = {
    "montant_demande_euros",
    "investissement_prevu_euros",
    "emplois_prevus",
    "aide_vte_base_versee_euros",
    "aide_vte_verte_versee_euros",
    "aide_vte_versee_euros",
    "aide_vte_base_accordee_euros",
    "aide_vte_verte_accordee_euros",
    "aide_vte_demandee_euros",
    "aide_logement_vte_euros",
}


def all_rows() -> dict[str, list[dict[str, Any]]]:
    sources = fx.sources()
    return {slug: d.build(sources) for slug, d in DATASETS.items()}


def write_all(folder: Path) -> dict[tuple[str, Form], Path]:
    written = {}
    for slug, rows in all_rows().items():
        dataset = DATASETS[slug]
        (folder / f"{slug}.schema.json").write_text(json.dumps(table_schema(dataset, PRODUCER), ensure_ascii=False))
        for form in Form:
            path = folder / file_name(dataset, date(2026, 12, 6), form)
            path.write_bytes(render(dataset, rows, form))
            written[(slug, form)] = path
    return written


def validate(path: Path, schema: dict[str, Any], form: Form) -> list[Any]:
    options: dict[str, Any] = (
        {"format": "xlsx"}
        if form is Form.XLSX
        else {"format": "csv", "control": formats.CsvControl(delimiter=";" if form is Form.CSV_SEMICOLON else ",")}
    )
    resource = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), **options)
    report = resource.validate()
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_amounts_are_euros_with_a_dot_and_two_decimals_exactly_from_integer_cents():
    assert [euros(c) for c in (0, 5, 123_456, 25_000_050, 10**13 - 1)] == [
        "0.00",
        "0.05",
        "1234.56",
        "250000.50",
        "99999999999.99",
    ]
    assert euros(-1_050) == "-10.50"
    column = Column("m", Kind.EUROS, "M", "m", "1.00")
    assert cell(column, 2**53 + 1) == "90071992547409.93"  # 2**53 + 1: no float holds it


def test_every_file_in_every_form_validates_against_its_table_schema_with_frictionless(tmp_path):
    written = write_all(tmp_path)
    assert len(written) == 3 * len(DATASETS) and len(DATASETS) == 12
    for (slug, form), path in written.items():
        schema = table_schema(DATASETS[slug], PRODUCER)
        assert Schema.validate_descriptor(schema).valid, slug
        assert validate(path, schema, form) == [], f"{path.name} does not follow its Table Schema"


def test_frictionless_would_refuse_a_commune_code_that_lost_its_leading_zero_and_a_comma_decimal(tmp_path):
    """The schemas are strict enough to catch what a spreadsheet does to a file (so the test above means much)."""
    communes, figures = DATASETS["territoires-communes"], DATASETS["chiffres-par-region"]
    broken = render(communes, fx.sources() and communes.build(fx.sources()), Form.CSV).replace(b"01004", b"1004")
    (tmp_path / "c.csv").write_bytes(broken)
    errors = validate(tmp_path / "c.csv", table_schema(communes, PRODUCER), Form.CSV)
    assert any(e[1] == "code_commune" and e[2] == "constraint-error" for e in errors)
    text = render(figures, figures.build(fx.sources()), Form.CSV).decode().replace("250000.50", '"250000,50"')
    (tmp_path / "f.csv").write_text(text)
    errors = validate(tmp_path / "f.csv", table_schema(figures, PRODUCER), Form.CSV)
    assert any(e[1] == "montant_accorde_euros" and e[2] == "type-error" for e in errors)


def test_the_semicolon_csv_has_a_bom_the_comma_csv_none_and_both_read_back_accents_and_leading_zeros():
    dataset, rows = DATASETS["territoires-communes"], DATASETS["territoires-communes"].build(fx.sources())
    semicolon, comma = render(dataset, rows, Form.CSV_SEMICOLON), render(dataset, rows, Form.CSV)
    assert semicolon.startswith(b"\xef\xbb\xbf") and not comma.startswith(b"\xef\xbb\xbf")
    for body, delimiter, encoding in ((semicolon, ";", "utf-8-sig"), (comma, ",", "utf-8")):
        read = list(csv.DictReader(io.StringIO(body.decode(encoding)), delimiter=delimiter))
        by_code = {r["code_commune"]: r for r in read}
        assert set(by_code) == {"01004", "2A004", "51108", "97101"}
        assert (by_code["01004"]["code_departement"], by_code["01004"]["nom_region"]) == ("01", "Auvergne-Rhône-Alpes")
        assert (by_code["2A004"]["code_departement"], by_code["97101"]["code_departement"]) == ("2A", "971")
        assert by_code["51108"]["nom_territoire"] == "Pays de Châlons"
        assert by_code["51108"]["siren_epci"] == "200066793"


def test_the_xlsx_opens_with_codes_as_text_accents_right_and_euros_as_numbers():
    figures = DATASETS["financements-par-departement"]
    book = openpyxl.load_workbook(io.BytesIO(render(figures, figures.build(fx.sources()), Form.XLSX)))
    header, *rows = list(book.active.iter_rows(values_only=True))
    by_code = {r[header.index("code_departement")]: dict(zip(header, r, strict=True)) for r in rows}
    assert "01" in by_code and "51" in by_code and isinstance(by_code["01"]["code_region"], str)
    assert by_code["51"]["nom_region"] == "Grand Est"
    assert str(by_code["51"]["montant_accorde_euros"]) == "250000.5"
    assert by_code["51"]["libelle_programme"] == "Fonds vert « Territoires d'industrie en transition écologique »"
    code_cell = book.active.cell(row=2, column=header.index("code_departement") + 1)
    assert code_cell.data_type == "s" and code_cell.number_format == "@"


def test_a_name_a_spreadsheet_would_run_is_written_as_text():
    rows = DATASETS["territoires"].build(fx.sources())
    body = render(DATASETS["territoires"], rows, Form.CSV).decode()
    (bugey,) = [r for r in csv.DictReader(io.StringIO(body)) if r["code_territoire"] == "tdi-84-bugey-sud"]
    assert bugey["nom_territoire"] == "'-Bugey Sud (Ain)"
    assert cell(Column("n", Kind.TEXT, "N", "n", "x"), '=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'


def test_no_file_holds_a_non_public_column_or_value(tmp_path):
    for (_, form), path in write_all(tmp_path).items():
        if form is Form.XLSX:
            cells = {str(v) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for v in row}
            header = [str(v) for v in next(openpyxl.load_workbook(path).active.iter_rows(values_only=True))]
        else:
            read = list(
                csv.reader(
                    io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=",;"[form is Form.CSV_SEMICOLON]
                )
            )
            header, cells = read[0], {v for row in read for v in row}
        assert not WITHHELD & set(header), f"{path.name}: {WITHHELD & set(header)}"
        assert not {h for h in header if "cout" in h or "entreprise" in h or "siret" in h}, path.name
        assert not fx.FORBIDDEN_VALUES & cells, f"{path.name} holds {fx.FORBIDDEN_VALUES & cells}"
        assert not {"123456.78", "9876.5432"} & cells


def test_each_table_schema_names_its_licence_producer_date_and_describes_every_column_in_french():
    for dataset in DATASETS.values():
        schema = table_schema(dataset, PRODUCER, homepage="https://example.test/donnees-ouvertes")
        assert schema["licenses"][0]["name"] == "etalab-2.0" and "Licence Ouverte" in schema["licenses"][0]["title"]
        assert schema["contributors"] == [{"title": PRODUCER, "role": "author"}]
        assert schema["created"] == schema["lastModified"] == "2026-12-06" and schema["countryCode"] == "FR"
        assert [f["name"] for f in schema["fields"]] == [c.name for c in dataset.published]
        assert set(schema["primaryKey"]) <= {f["name"] for f in schema["fields"]}
        for field in schema["fields"]:
            assert field["description"] and field["title"] and field["example"], (dataset.slug, field["name"])
            assert any(ch in field["description"] for ch in "éèàùç« ") or field["name"] == "code_territoire"
            if field["name"].startswith(("code_", "siren", "codes_")) and field["name"] != "code_programme":
                assert field["type"] == "string", field["name"]
                assert field["constraints"].get("pattern") or field["constraints"].get("enum"), field["name"]


def test_file_names_are_dated_lower_case_and_unaccented():
    day = date(2026, 12, 6)
    assert file_name(DATASETS["territoires"], day, Form.CSV) == "territoires-d-industrie-2026-12-06.csv"
    assert file_name(DATASETS["territoires-communes"], day, Form.CSV_SEMICOLON) == (
        "territoires-d-industrie-communes-2026-12-06-point-virgule.csv"
    )
    assert file_name(DATASETS["chiffres-par-departement"], day, Form.XLSX) == (
        "territoires-d-industrie-chiffres-par-departement-2026-12-06.xlsx"
    )


def test_the_funding_by_programme_adds_up_to_the_totals_of_each_zone_and_interregional_counts_in_each_region():
    sources = fx.sources()
    totals = {r["code_region"]: r for r in DATASETS["chiffres-par-region"].build(sources)}
    by_programme = DATASETS["financements-par-region"].build(sources)
    for region, row in totals.items():
        mine = [r for r in by_programme if r["code_region"] == region]
        for figure in ("demandes_deposees", "demandes_accordees", "montant_accorde_euros", "verse_euros"):
            assert row[figure] == sum(r[figure] for r in mine), (region, figure)
    assert totals["75"]["territoires_labellises"] == totals["76"]["territoires_labellises"] == 1
    assert totals["94"]["contrats_vte_signes"] == 1 and totals["44"]["engage_euros"] == 25_000_000
    by_category = {
        (r["code_territoire"], r["code_categorie"]): r["fiches_actions"]
        for r in DATASETS["fiches-actions-par-territoire"].build(sources)
    }
    assert by_category[("tdi-75-lacq-pau-tarbes", "numerique")] == 1, "a fiche quoting the official id counts"


@pytest.mark.parametrize("slug", ["territoires", "territoires-epci", "territoires-communes"])
def test_a_list_names_the_column_updated_since_reads(slug: str):
    dataset = DATASETS[slug]
    assert dataset.updated in {c.name for c in dataset.published}
    assert all(d.updated is None for d in DATASETS.values() if d.models)
