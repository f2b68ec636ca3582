"""Identifiers and money are validated: INSEE codes, SIREN/SIRET with Luhn, territory ids, integer cents."""

from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from tdi_contracts.ids import (
    DepartementCode,
    InseeCommune,
    OfficialTerritoryId,
    RegionCode,
    Siren,
    Siret,
    TerritoryId,
)
from tdi_contracts.money import Cents, cents_to_decimal, eur, format_eur


def _ok(kind: object, value: object) -> bool:
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        *[("ti-8413", True), ("ti-1", True), ("tdi-44-grand-reims", True), ("tdi-28-vallee-de-la-bresle-vimeu", True)],
        *[("TI-8413", False), ("8413", False), ("tdi-99-grand-reims", False), ("tdi-44-Grand-Reims", False)],
        *[("tdi-44-grand--reims", False), ("tdi-4-grand-reims", False), ("tdi-44-", False), ("ti-", False)],
    ],
)
def test_territory_ids_take_the_official_or_the_reference_form(value: str, ok: bool) -> None:
    assert _ok(TerritoryId, value) is ok


@pytest.mark.parametrize(("value", "ok"), [("ti-8413", True), ("tdi-44-grand-reims", False), ("ti-84a", False)])
def test_official_territory_ids_take_only_the_open_data_form(value: str, ok: bool) -> None:
    assert _ok(OfficialTerritoryId, value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        *[("51454", True), ("2A004", True), ("2B033", True), ("97411", True), ("97611", True)],
        *[("20004", False), ("97511", False), ("5145", False), ("9A001", False)],
    ],
)
def test_commune_codes_follow_insee_with_corsica_and_overseas(value: str, ok: bool) -> None:
    assert _ok(InseeCommune, value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        *[("01", True), ("2A", True), ("2B", True), ("95", True), ("971", True), ("976", True)],
        *[("20", False), ("96", False), ("975", False), ("1", False)],
    ],
)
def test_departement_codes_are_text_including_2a_2b_and_971_to_976(value: str, ok: bool) -> None:
    assert _ok(DepartementCode, value) is ok


def test_region_codes_are_the_18_insee_ones() -> None:
    valid = [f"{n:02d}" for n in range(100) if _ok(RegionCode, f"{n:02d}")]
    assert valid == sorted(
        {"01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53"} | {"75", "76", "84", "93", "94"}
    )


def test_siren_and_siret_are_luhn_checked() -> None:
    assert _ok(Siren, "200067213") and not _ok(Siren, "200067214")
    assert _ok(Siret, "73282932000074") and not _ok(Siret, "73282932000075")


def test_la_poste_siret_follow_the_digit_sum_rule_instead_of_luhn() -> None:
    assert _ok(Siret, "35600000000001")  # fails Luhn, digit sum 15
    assert not _ok(Siret, "35600000000000")


@pytest.mark.parametrize("value", [12.0, 12.5, True, "12", None, -1, 10**14])
def test_cents_refuse_floats_bools_strings_and_out_of_range(value: object) -> None:
    assert not _ok(Cents, value)


def test_money_errors_say_amounts_are_integer_cents() -> None:
    with pytest.raises(ValidationError, match="integer number of euro cents"):
        TypeAdapter(Cents).validate_json("1.5")


def test_amounts_are_formatted_the_french_way() -> None:
    assert format_eur(790_000_000) == "7 900 000,00 €"
    assert format_eur(5) == "0,05 €"
    assert format_eur(-1_234_56) == "-1 234,56 €"
    assert format_eur(100, non_breaking=True) == "1,00\u00a0€"


def test_euro_amounts_convert_to_cents_exactly() -> None:
    assert eur("7900000") == 790_000_000
    assert eur(Decimal("12.34")) == 1234
    assert cents_to_decimal(1234) == Decimal("12.34")
    with pytest.raises(ValueError, match="whole number of cents"):
        eur("0.001")
    with pytest.raises(TypeError):
        eur(1.5)  # type: ignore[arg-type]
