"""Formula injection: what an export writes for text a spreadsheet would run, and the names refused at the door."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from tdi_contracts.field_errors import field_errors
from tdi_contracts.spreadsheet_safety import PlainLabel, neutralise_cell, restore_cell

NAME = TypeAdapter(PlainLabel)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+33", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-4, 0, 12_000_00, 1.5, True, None, "Grand Reims", "'déjà cité", "2A"])
def test_numbers_and_ordinary_text_are_written_as_they_are(value: object) -> None:
    assert neutralise_cell(value) == value


@given(st.text(max_size=30))
def test_an_import_reads_back_exactly_what_was_exported(text: str) -> None:
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+ de 200 emplois", "@cmd"])
def test_a_name_starting_like_a_formula_is_refused_with_a_code_and_a_french_sentence(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        NAME.validate_python(name)
    (error,) = field_errors(refused.value)
    assert error.code == "formula_like_text"
    assert error.message.startswith("Texte refusé : il commence par « " + name[0] + " »")


@pytest.mark.parametrize("name", ["-20 % d'émissions", "Réseau de chaleur", "Cœur de Maine", "a=b"])
def test_a_name_a_spreadsheet_would_not_run_or_that_starts_with_a_dash_is_accepted(name: str) -> None:
    assert NAME.validate_python(name) == name
