"""The annex parser on small texts shaped like the extracted press kit, traps included."""

import pytest

from tdi_territory.reference.annex_parser import AnnexFormatError, parse_annex, territory_id

ANNEX = """\
ANNEXE

Liste des Territoires d'industrie

Normandie

76 - Seine-Maritime\tAxe Seine
27 - Eure\t
76 - Seine-Maritime\tVallée de la Bresle – Vimeu*

Hauts-de-France

80 - Somme\tVallée de la Bresle – Vimeu*

*Territoire d'industrie interrégional

61 - Orne\tVallées d'Auge

Provence-Alpes-Côte d'Azur

06 - Alpes-Maritimes\tGrasse – Cannes – Sophia Anti- polis
04 - Alpes-de-Haute-Pro- vence\tVal de Durance
06 - Alpes-Maritimes\tGrasse – Cannes – Sophia Antipolis

Territoires d'industrie
"""


def parsed() -> dict[str, tuple[list[str], list[str], bool]]:
    territories, _ = parse_annex(ANNEX)
    return {t.name: (t.departements, t.regions, t.interregional) for t in territories}


def test_a_row_with_an_empty_name_adds_its_departement_to_the_territory_above() -> None:
    assert parsed()["Axe Seine"] == (["76", "27"], ["28"], False)


def test_an_interregional_territory_is_listed_once_with_the_departements_of_each_region() -> None:
    assert parsed()["Vallée de la Bresle – Vimeu"] == (["76", "80"], ["28", "32"], True)


def test_words_split_by_hyphenation_are_joined_and_a_repeated_name_is_one_territory() -> None:
    names = list(parsed())
    assert "Grasse – Cannes – Sophia Antipolis" in names
    assert names.count("Grasse – Cannes – Sophia Antipolis") == 1
    assert parsed()["Val de Durance"] == (["04"], ["93"], False)


def test_the_region_comes_from_the_departement_and_a_misplaced_row_is_noted() -> None:
    _, notes = parse_annex(ANNEX)
    assert parsed()["Vallées d'Auge"] == (["61"], ["28"], False)
    assert [(n.line, n.kind) for n in notes] == [
        (17, "gap_before_row"),
        (17, "outside_heading"),
        (23, "repeated_name"),
        (23, "repeated_departement"),
    ]


def test_ids_are_the_lowest_region_code_and_the_slug_of_the_name() -> None:
    territories, _ = parse_annex(ANNEX)
    assert [territory_id(t) for t in territories] == [
        "tdi-28-axe-seine",
        "tdi-28-vallee-de-la-bresle-vimeu",
        "tdi-28-vallees-d-auge",
        "tdi-93-grasse-cannes-sophia-antipolis",
        "tdi-93-val-de-durance",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no annex here", "no line"),
        ("Liste des Territoires d'industrie\nCorse\n2A - Corse-du-Sud\t\n", "without any territory"),
        ("Liste des Territoires d'industrie\nCorse\n2C - Corse-du-Centre\tX\n", "unknown département"),
        ("Liste des Territoires d'industrie\nCorse\n2A - Haute-Corse\tX\n", "unknown département"),
        ("Liste des Territoires d'industrie\n2A - Corse-du-Sud\tX\n", "before any region heading"),
        ("Liste des Territoires d'industrie\nCorse\n2A - Corse-du-Sud\tX*\n", "marker disagrees"),
    ],
)
def test_text_that_does_not_read_as_the_annex_is_refused(text: str, reason: str) -> None:
    with pytest.raises(AnnexFormatError, match=reason):
        parse_annex(text)
