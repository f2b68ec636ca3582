"""The open-data loader: rows validated, territories matched by name, every bad row rejected with a reason."""

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdi_contracts.ids import luhn_is_valid
from tdi_territory.reference.catalogue import load_reference
from tdi_territory.reference.open_data import OpenDataFileError, OpenDataResult, load_open_data
from tdi_territory.reference.open_data_rows import check_commune_code, check_siren

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def result() -> OpenDataResult:
    with (
        (FIXTURES / "communes.csv").open(encoding="utf-8") as communes,
        (FIXTURES / "epci.csv").open(encoding="utf-8") as epci,
    ):
        return load_open_data(communes, epci, load_reference())


def test_territories_match_whatever_the_accents_case_dashes_and_punctuation(
    result: OpenDataResult,
) -> None:
    assert result.official_ids == {
        "tdi-44-grand-reims": "ti-8101",
        "tdi-44-pays-de-chalons": "ti-8102",
        "tdi-44-ouest-champenois": "ti-8103",
        "tdi-28-vallee-de-la-bresle-vimeu": "ti-8104",
        "tdi-93-grasse-cannes-sophia-antipolis": "ti-8105",
        "tdi-94-pays-ajaccien": "ti-8106",
        "tdi-04-est-reunion-industries": "ti-8107",
    }


def test_communes_are_grouped_by_reference_territory(result: OpenDataResult) -> None:
    codes = {tid: [c.insee for c in communes] for tid, communes in result.communes.items()}
    assert codes["tdi-44-grand-reims"] == ["51454", "51573"]
    assert codes["tdi-28-vallee-de-la-bresle-vimeu"] == ["76255", "80368"]
    assert codes["tdi-94-pays-ajaccien"] == ["2A004"]
    assert codes["tdi-04-est-reunion-industries"] == ["97410"]
    assert sum(len(c) for c in codes.values()) == 10


def test_epci_are_grouped_by_reference_territory(result: OpenDataResult) -> None:
    sirens = {tid: [e.siren for e in epcis] for tid, epcis in result.epcis.items()}
    assert sirens == {
        "tdi-44-grand-reims": ["200067403"],
        "tdi-44-pays-de-chalons": ["245100581"],
        "tdi-44-ouest-champenois": ["200042844", "241000074", "200071348"],
        "tdi-28-vallee-de-la-bresle-vimeu": ["247600026"],
        "tdi-93-grasse-cannes-sophia-antipolis": ["200040673"],
    }


def test_every_bad_row_is_rejected_with_its_line_and_a_stable_code(result: OpenDataResult) -> None:
    assert [(r.file, r.line, r.code) for r in result.rejected] == [
        ("communes", 12, "UNKNOWN_TERRITORY"),
        ("communes", 13, "INVALID_INSEE_COMMUNE_CODE"),
        ("communes", 14, "INVALID_INSEE_COMMUNE_CODE"),
        ("communes", 15, "INVALID_TERRITORY_ID"),
        ("communes", 16, "DUPLICATE_COMMUNE"),
        ("communes", 17, "CONFLICTING_TERRITORY_ID"),
        ("communes", 18, "MISSING_VALUE"),
        ("epci", 9, "INVALID_SIREN"),
        ("epci", 10, "INVALID_SIREN"),
        ("epci", 11, "INVALID_NATURE_JURIDIQUE"),
        ("epci", 12, "UNKNOWN_TERRITORY_ID"),
        ("epci", 13, "EPCI_ALREADY_IN_TERRITORY"),
    ]


def test_an_unknown_territory_is_explained_in_french(result: OpenDataResult) -> None:
    assert result.rejected[0].message == (
        "Le territoire « Territoire imaginaire » (ti-9999) ne figure pas dans la liste des 183 Territoires d'industrie."
    )
    assert "fait déjà partie du territoire « Grand Reims »" in result.rejected[-1].message


def test_official_ids_fill_the_nullable_field_of_the_reference_list(result: OpenDataResult) -> None:
    filled = {t.id: t.official_id for t in result.with_official_ids(load_reference())}
    assert filled["tdi-44-grand-reims"] == "ti-8101"
    assert filled["tdi-44-vitry-le-francois"] is None
    assert sum(v is not None for v in filled.values()) == 7


def test_a_file_without_the_expected_columns_is_refused_as_a_whole() -> None:
    with pytest.raises(OpenDataFileError, match="lib_ti"):
        load_open_data(io.StringIO("insee_com,lib_com,id_ti\n"), io.StringIO(""), load_reference())


@given(st.from_regex(r"\A[0-9]{8}\Z"))
def test_exactly_one_check_digit_completes_eight_digits_into_a_valid_siren(base: str) -> None:
    valid = [d for d in "0123456789" if luhn_is_valid(base + d)]
    assert len(valid) == 1
    assert check_siren(base + valid[0]) is None


@pytest.mark.parametrize("code", ["51454", "2A004", "2B033", "97410", "97611", "06069"])
def test_insee_commune_codes_of_every_kind_of_departement_are_accepted(code: str) -> None:
    assert check_commune_code(code) is None


@pytest.mark.parametrize("code", ["5145", "514540", "20004", "97510", "2C004", "AB123"])
def test_malformed_insee_commune_codes_are_refused(code: str) -> None:
    problem = check_commune_code(code)
    assert problem is not None and problem.code == "INVALID_INSEE_COMMUNE_CODE"


COMMUNES_HEADER = ("insee_com", "lib_com", "id_ti", "lib_ti")
EPCI_HEADER = ("id_ti", "siren_groupement", "lib_groupement", "nature_juridique")


def _csv(rows: list[tuple[str, ...]], delimiter: str, bom: bool) -> io.StringIO:
    return io.StringIO(("\ufeff" if bom else "") + "\n".join(delimiter.join(r) for r in rows) + "\n")


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", False), (",", True), (";", True)])
def test_national_files_are_read_with_either_delimiter_and_with_or_without_a_byte_order_mark(
    delimiter: str, bom: bool
) -> None:
    communes = [COMMUNES_HEADER, ("51454", "Reims", "ti-8101", "Grand Reims"), ("51573", "Tinqueux", "ti-8101", "x")]
    epci = [EPCI_HEADER, ("ti-8101", "200067403", "CU du Grand Reims, Marne", "CU")]
    if delimiter == ",":
        epci[1] = ("ti-8101", "200067403", '"CU du Grand Reims, Marne"', "CU")
    result = load_open_data(_csv(communes, delimiter, bom), _csv(epci, delimiter, bom), load_reference())
    assert result.official_ids == {"tdi-44-grand-reims": "ti-8101"}
    assert [c.insee for c in result.communes["tdi-44-grand-reims"]] == ["51454"]
    assert [(e.siren, e.name) for e in result.epcis["tdi-44-grand-reims"]] == [
        ("200067403", "CU du Grand Reims, Marne")
    ]
    assert [(r.line, r.code) for r in result.rejected] == [(3, "UNKNOWN_TERRITORY")]


def test_the_open_data_rows_of_grand_chatellerault_match_the_territory_the_annex_misprinted() -> None:
    communes = io.StringIO(
        "insee_com,lib_com,id_ti,lib_ti\n86066,Châtellerault,ti-8620,Grand Châtellerault\n"
        "86041,Cenon-sur-Vienne,ti-8620,GRAND CHATELLERAULT\n"
    )
    epci = io.StringIO("id_ti,siren_groupement,lib_groupement,nature_juridique\n")

    result = load_open_data(communes, epci, load_reference())

    assert result.rejected == []
    assert result.official_ids == {"tdi-75-grand-chatelleraut": "ti-8620"}
    assert [c.insee for c in result.communes["tdi-75-grand-chatelleraut"]] == ["86066", "86041"]


def test_an_epci_or_commune_name_a_spreadsheet_would_run_as_a_formula_is_refused_with_its_line() -> None:
    communes = [
        COMMUNES_HEADER,
        ("51454", "Reims", "ti-8101", "Grand Reims"),
        ("51573", '=HYPERLINK("x")', "ti-8101", "Grand Reims"),
    ]
    epci = [EPCI_HEADER, ("ti-8101", "200067403", "@SUM(A1)", "CU")]

    result = load_open_data(_csv(communes, ";", False), _csv(epci, ";", False), load_reference())

    assert [(r.file, r.line, r.code) for r in result.rejected] == [
        ("communes", 3, "FORMULA_LIKE_TEXT"),
        ("epci", 2, "FORMULA_LIKE_TEXT"),
    ]
    assert "tableur" in result.rejected[0].message
