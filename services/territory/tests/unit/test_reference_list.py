"""The committed reference list of Temps II territories, as parsed from the press kit annex."""

import json
from collections import Counter
from pathlib import Path

import pytest

from tdi_contracts.reference import Departement
from tdi_territory.reference.annex_text import AnnexFormatError
from tdi_territory.reference.build import main, render
from tdi_territory.reference.catalogue import ANNOUNCED_TOTAL, REFERENCE_FILE, load_reference
from tdi_territory.reference.errata import Erratum, load_errata

TERRITORIES = load_reference()
BY_NAME = {t.name: t for t in TERRITORIES}

PER_REGION = {
    "01": 2, "02": 2, "03": 2, "04": 2, "06": 1, "11": 11, "24": 12, "27": 10, "28": 10,
    "32": 18, "44": 21, "52": 18, "53": 10, "75": 16, "76": 15, "84": 25, "93": 8, "94": 2,
}  # fmt: skip
# "<département>:<number of territories touching it>", read off the annex (Landes 40 and Paris 75 have none),
# with its errata (63: Lezoux – Thiers – Ambert – Montbrison lies in the Puy-de-Dôme too).
_PER_DEPARTEMENT_TEXT = """
01:3 02:4 03:2 04:1 05:1 06:2 07:2 08:1 09:1 10:2 11:2 12:1 13:1 14:3 15:1 16:1 17:1 18:1 19:1
21:2 22:3 23:1 24:2 25:2 26:3 27:2 28:4 29:2 2A:1 2B:1 30:2 31:2 32:2 33:3 34:1 35:2 36:2 37:1
38:4 39:2 41:2 42:3 43:2 44:4 45:3 46:1 47:2 48:1 49:2 50:1 51:5 52:1 53:5 54:4 55:1 56:4 57:2
58:1 59:4 60:3 61:3 62:6 63:4 64:2 65:2 66:1 67:2 68:2 69:1 70:1 71:2 72:4 73:1 74:5 76:3 77:4
78:2 79:3 80:4 81:3 82:1 83:2 84:1 85:5 86:2 87:1 88:3 89:1 90:1 91:2 92:1 93:1 94:1 95:2 971:2
972:2 973:2 974:2 976:1
"""
PER_DEPARTEMENT = dict(pair.split(":") for pair in _PER_DEPARTEMENT_TEXT.split())


def test_the_annex_yields_182_territories_one_fewer_than_the_183_announced() -> None:
    assert len(TERRITORIES) == 182
    assert ANNOUNCED_TOTAL - len(TERRITORIES) == 1
    assert len({t.id for t in TERRITORIES}) == len({t.name for t in TERRITORIES}) == 182


def test_each_region_counts_the_territories_printed_under_it_interregional_ones_in_each() -> None:
    counts = Counter(region for t in TERRITORIES for region in t.regions)
    assert counts == PER_REGION
    assert sum(counts.values()) == 182 + 3


def test_grand_est_has_21_territories() -> None:
    assert sum("44" in t.regions for t in TERRITORIES) == 21


def test_each_departement_counts_the_territories_that_touch_it() -> None:
    counts = Counter(d for t in TERRITORIES for d in t.departements)
    assert {code: str(n) for code, n in counts.items()} == PER_DEPARTEMENT
    assert {d.value for d in Departement} - set(counts) == {"40", "75"}


def test_marne_has_five_territories_four_entirely_within_the_departement() -> None:
    marne = [t for t in TERRITORIES if "51" in t.departements]
    assert len(marne) == 5
    assert [t.name for t in marne if t.departements != ("51",)] == ["Ouest Champenois"]


def test_interregional_territories_are_listed_once_with_all_their_regions() -> None:
    interregional = {t.name: (t.regions, t.departements) for t in TERRITORIES if t.interregional}
    assert interregional == {
        "Vallée de la Bresle – Vimeu": (("28", "32"), ("76", "80")),
        "Lacq – Pau – Tarbes": (("75", "76"), ("64", "65")),
        "Aurillac – Figeac – Rodez": (("76", "84"), ("12", "46", "15")),
    }
    assert all(len(t.regions) == 1 for t in TERRITORIES if not t.interregional)


def test_continuation_lines_hyphenation_and_repeated_names_are_resolved() -> None:
    assert BY_NAME["Grand Roissy Le Bourget"].departements == ("95", "93")
    assert BY_NAME["Castres Revel Castelnaudary"].departements == ("31", "11", "81")
    assert BY_NAME["Val de Garonne Guyenne Gascogne et Réolais"].departements == ("47", "33")
    assert BY_NAME["Grand Auch – Astarac"].annex_lines == (949, 959)
    assert "Pays d'Évian – vallée d'Abondance" in BY_NAME  # "Abon- dance" rejoined, then the erratum's accent
    assert BY_NAME["Grasse – Cannes – Sophia Antipolis"].id == "tdi-93-grasse-cannes-sophia-antipolis"


def test_a_territory_printed_under_the_wrong_heading_keeps_the_region_of_its_departement() -> None:
    assert BY_NAME["Vallées d'Auge"].regions == ("28",)
    assert BY_NAME["Vallées d'Auge"].annex_lines == (829,)


def test_ids_are_stable_slugs_and_official_ids_wait_for_the_open_data() -> None:
    assert BY_NAME["Grand Reims"].id == "tdi-44-grand-reims"
    assert BY_NAME["Cœur de Maine"].id == "tdi-52-coeur-de-maine"
    assert all(t.id.startswith(f"tdi-{t.regions[0]}-") for t in TERRITORIES)
    assert all(t.official_id is None for t in TERRITORIES)


def test_the_committed_file_is_exactly_what_the_build_command_writes_from_the_seed(annex_seed: Path) -> None:
    seed = annex_seed
    assert render(seed.read_text(encoding="utf-8"), source=seed.name) == REFERENCE_FILE.read_text(encoding="utf-8")


def test_the_build_command_writes_the_same_file_from_the_seed_path(tmp_path: Path, annex_seed: Path) -> None:
    seed = annex_seed
    output = tmp_path / "territories.json"
    assert main([str(seed), "--output", str(output)]) == 0
    assert output.read_bytes() == REFERENCE_FILE.read_bytes()


def test_the_places_where_the_missing_territory_may_have_been_lost_are_recorded() -> None:
    notes = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["annex_notes"]
    found = {(n["line"], n["kind"]) for n in notes}
    assert {(809, "repeated_departement"), (889, "gap_before_row"), (983, "gap_before_row")} <= found
    assert (959, "repeated_name") in found  # Grand Auch – Astarac printed twice: one territory, not two


def test_lezoux_thiers_ambert_montbrison_spans_the_puy_de_dome_where_three_of_its_towns_are() -> None:
    lezoux = BY_NAME["Lezoux – Thiers – Ambert – Montbrison"]
    assert set(lezoux.departements) == {"42", "63"}
    assert (lezoux.regions, lezoux.id) == (("84",), "tdi-84-lezoux-thiers-ambert-montbrison")
    assert lezoux.annex_lines == (981,)


def test_epernay_is_named_right_and_keeps_the_platform_id_it_was_given() -> None:
    assert "Pays d'Epervain Terres de Champagne" not in BY_NAME
    epernay = BY_NAME["Pays d'Épernay Terres de Champagne"]
    assert epernay.id == "tdi-44-pays-d-epervain-terres-de-champagne"
    assert epernay.departements == ("51",)


@pytest.mark.parametrize(
    ("printed", "right", "platform_id"),
    [
        ("Grand Châtelleraut", "Grand Châtellerault", "tdi-75-grand-chatelleraut"),
        ("Vosges Saonoises", "Vosges Saônoises", "tdi-27-vosges-saonoises"),
        ("Epinal – Rambervillers", "Épinal – Rambervillers", "tdi-44-epinal-rambervillers"),
        (
            "Pays d'Evian – vallée d'Abondance",
            "Pays d'Évian – vallée d'Abondance",
            "tdi-84-pays-d-evian-vallee-d-abondance",
        ),
    ],
)
def test_names_misprinted_in_the_annex_are_shown_right_and_keep_the_platform_id_they_were_given(
    printed: str, right: str, platform_id: str
) -> None:
    assert printed not in BY_NAME
    assert BY_NAME[right].id == platform_id


def test_each_erratum_cites_the_seed_line_it_corrects(annex_seed: Path) -> None:
    seed = annex_seed
    lines = seed.read_text(encoding="utf-8").splitlines()
    errata = load_errata()
    assert {e.line for e in errata} == {808, 859, 868, 927, 981, 987}
    assert all(lines[e.line - 1] == e.printed and e.why for e in errata)
    cited = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["errata"]
    assert [c["line"] for c in cited] == [e.line for e in errata]


def test_an_erratum_whose_line_no_longer_reads_as_quoted_stops_the_build(annex_seed: Path) -> None:
    seed = annex_seed
    stale = Erratum(868, "51 - Marne\tPays d'Epernay", "a quote that does not match", name="X")
    with pytest.raises(AnnexFormatError, match="line 868"):
        render(seed.read_text(encoding="utf-8"), source=seed.name, errata=[stale])
