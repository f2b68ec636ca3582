"""Every field error, on Kafka as over HTTP, reads in French: one catalogue, one sentence per pydantic error type."""

import typing
from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError
from pydantic_core import ErrorDetails, core_schema

from tdi_contracts.field_errors import FIELD_MESSAGES, GENERIC_MESSAGE, french_message
from tdi_contracts.fields import FreeText, Label

PYDANTIC_ERROR_TYPES = typing.get_args(core_schema.ErrorType)
ENGLISH = ("Input should", "Field required", "should be", "Value error", "valid ", " or ", "Extra inputs")


def test_every_pydantic_error_type_has_a_french_sentence_in_the_catalogue() -> None:
    missing = [t for t in PYDANTIC_ERROR_TYPES if t not in FIELD_MESSAGES]
    assert not missing, f"no French sentence for {missing}"


@pytest.mark.parametrize("error_type", PYDANTIC_ERROR_TYPES)
def test_each_sentence_is_french_even_without_the_context_it_usually_quotes(error_type: str) -> None:
    error: ErrorDetails = {"type": error_type, "loc": ("x",), "msg": "Input should be a valid thing", "input": 1}
    message = french_message(error)
    assert message and message[0].isupper(), message
    assert not any(word in message for word in ENGLISH), message


def test_an_unknown_error_type_falls_back_to_a_generic_french_sentence_never_pydantic_english() -> None:
    error: ErrorDetails = {"type": "brand_new_type", "loc": ("x",), "msg": "Input is wrong somehow", "input": 1}
    assert french_message(error) == GENERIC_MESSAGE
    assert "Input" not in GENERIC_MESSAGE


def test_a_choice_lists_its_values_with_a_french_conjunction() -> None:
    class Size(BaseModel):
        size: typing.Literal["pme", "eti"]

    with pytest.raises(ValidationError) as caught:
        Size.model_validate({"size": "tpe"})
    message = french_message(caught.value.errors()[0])
    assert message == "Valeur inconnue ; valeurs admises : 'pme' ou 'eti'."


def test_an_integer_error_reads_in_french_with_its_stable_code_kept() -> None:
    class Count(BaseModel):
        jobs: int

    with pytest.raises(ValidationError) as caught:
        Count.model_validate({"jobs": "douze"})
    error = caught.value.errors()[0]
    assert error["type"] == "int_parsing"
    assert french_message(error) == "Un nombre entier est attendu."


class Fiche(BaseModel):
    title: Label
    description: Annotated[FreeText, Field(max_length=4000)] = ""


def test_a_description_keeps_its_line_breaks_and_tabs() -> None:
    text = "Première ligne\n\tdeuxième ligne\r\nfin"
    assert Fiche(title="Réseau de chaleur", description=text).description == text


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ud800"])
def test_a_description_refuses_nul_and_other_control_characters_with_their_code_point(character: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Fiche(title="Réseau de chaleur", description=f"a{character}b")
    error = caught.value.errors()[0]
    assert (error["loc"], error["type"]) == (("description",), "control_character")
    assert french_message(error) == f"Caractère interdit U+{ord(character):04X} en position 2."


def test_a_label_refuses_nul_as_before() -> None:
    with pytest.raises(ValidationError) as caught:
        Fiche(title="a\x00b")
    assert caught.value.errors()[0]["type"] == "string_pattern_mismatch"


def test_a_quoted_value_holding_a_lone_surrogate_still_gives_a_sentence_that_can_be_sent() -> None:
    error: ErrorDetails = {"type": "unique_items", "loc": ("x",), "msg": "", "input": 1, "ctx": {"item": "a\ud800"}}
    message = french_message(error)
    assert message == "Valeur en double : a\ufffd."
    message.encode("utf-8")
