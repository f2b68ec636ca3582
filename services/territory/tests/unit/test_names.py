"""Name normalisation for search: accents, case, punctuation and dashes do not count."""

from hypothesis import given
from hypothesis import strategies as st

from tdi_territory.domain import normalise_name
from tdi_territory.reference.names import slugify


def test_accents_case_dashes_and_apostrophes_do_not_count() -> None:
    assert normalise_name("Vallée de la Bresle – Vimeu*") == normalise_name("VALLEE DE LA BRESLE - VIMEU")
    assert normalise_name("Pays d’Evian — vallée d'Abondance") == "pays d evian vallee d abondance"
    assert normalise_name("Cœur de Maine") == "coeur de maine"


def test_slugs_are_lowercase_ascii_words_joined_by_hyphens() -> None:
    assert slugify("Grasse – Cannes – Sophia Antipolis") == "grasse-cannes-sophia-antipolis"


@given(st.text())
def test_normalising_twice_changes_nothing(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(st.text())
def test_a_normalised_name_is_made_of_lowercase_ascii_words(name: str) -> None:
    words = normalise_name(name).split(" ")
    assert all(word.isascii() and word.isalnum() and word == word.lower() for word in words if word)
    assert "" not in words or words == [""]


@given(st.text(alphabet="abcdeéèêàçôœ ABCDEÉÈ-–'’*.,"))
def test_case_does_not_count(name: str) -> None:
    assert normalise_name(name.upper()) == normalise_name(name.lower())
