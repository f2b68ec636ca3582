"""A démarche's settings file maps its champs to fields; each type is read the one safe way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_runtime.doors.demarches.mapping import DemarcheMapping, load_mapping, load_mappings, read_fields
from tdi_runtime.doors.demarches.model import Dossier
from tdi_runtime.errors import DomainError
from tdi_runtime.settings import ConfigurationError

REPO = Path(__file__).resolve().parents[3]

MAPPING = """
demarche = 12345
kind = "fonds-vert"

[options]
programme = "fonds-vert-ti"

[champs]
requested_cents = { id = "Q2hhbXAtMQ==", type = "decimal-euros" }
eligible_cost_cents = { id = "Q2hhbXAtMg==", type = "integer-euros", required = false }
commune = { id = "Q2hhbXAtMw==", type = "commune" }
establishment_siret = { label = "SIRET de l'établissement", type = "siret", required = false }
project_type = { id = "Q2hhbXAtNQ==", type = "choice", values = @CHOICES@ }
ecological = { id = "Q2hhbXAtNg==", type = "yes-no", required = false }

[annotations]
granted_cents = { id = "QW5ub3QtMQ==", type = "decimal-euros", required = false }
""".replace("@CHOICES@", '{ "Investissement industriel" = "investissement-industriel" }')


def mapping(tmp_path: Path, text: str = MAPPING) -> DemarcheMapping:
    file = tmp_path / "fonds-vert.toml"
    file.write_text(text, encoding="utf-8")
    return load_mapping(file)


def champ(typename: str, descriptor: str, string_value: str | None, label: str = "", **typed: Any) -> dict[str, Any]:
    return {
        "__typename": typename,
        "champDescriptorId": descriptor,
        "label": label,
        "stringValue": string_value,
        **typed,
    }


def dossier(*champs: dict[str, Any], annotations: tuple[dict[str, Any], ...] = ()) -> Dossier:
    return Dossier.model_validate(
        {
            "number": 1001,
            "state": "en_construction",
            "dateDepot": "2024-02-01T09:00:00+01:00",
            "dateDerniereModification": "2024-02-01T09:00:00+01:00",
            "champs": list(champs),
            "annotations": list(annotations),
        }
    )


BASE = (
    champ("DecimalNumberChamp", "Q2hhbXAtMQ==", "250000.5", decimal=250000.5),
    champ("CommuneChamp", "Q2hhbXAtMw==", "Reims (51100)", commune={"code": "51454"}),
    champ("DropDownListChamp", "Q2hhbXAtNQ==", "Investissement industriel", choice="Investissement industriel"),
)


def refused(m: DemarcheMapping, d: Dossier) -> DomainError:
    with pytest.raises(DomainError) as caught:
        read_fields(d, m)
    return caught.value


def test_a_decimal_amount_is_read_from_its_text_never_from_the_float(tmp_path: Path) -> None:
    amount = champ("DecimalNumberChamp", "Q2hhbXAtMQ==", "0.29", decimal=0.28999999999999998)
    fields = read_fields(dossier(amount, *BASE[1:]), mapping(tmp_path))
    assert fields.cents("requested_cents") == 29


@pytest.mark.parametrize(
    ("text", "cents"), [("250000.5", 25_000_050), ("1234", 123_400), ("12.340", 1234), ("1 234,56", 123_456)]
)
def test_decimal_euros_become_integer_cents(tmp_path: Path, text: str, cents: int) -> None:
    amount = champ("DecimalNumberChamp", "Q2hhbXAtMQ==", text)
    assert read_fields(dossier(amount, *BASE[1:]), mapping(tmp_path)).cents("requested_cents") == cents


@pytest.mark.parametrize("text", ["12.345", "-5", "douze", "1e3", "NaN"])
def test_an_amount_that_is_not_whole_cents_is_refused_naming_the_field(tmp_path: Path, text: str) -> None:
    error = refused(mapping(tmp_path), dossier(champ("DecimalNumberChamp", "Q2hhbXAtMQ==", text), *BASE[1:]))
    assert error.code == ErrorCode.DS_CHAMP_INVALID
    assert error.details["field"] == "requested_cents"
    assert "requested_cents" in error.message


def test_integer_euros_become_cents(tmp_path: Path) -> None:
    cost = champ("IntegerNumberChamp", "Q2hhbXAtMg==", "480000", integer="480000")
    assert read_fields(dossier(*BASE, cost), mapping(tmp_path)).cents("eligible_cost_cents") == 48_000_000


def test_a_required_champ_missing_from_the_dossier_is_refused_with_its_name(tmp_path: Path) -> None:
    error = refused(mapping(tmp_path), dossier(*BASE[:2]))
    assert error.code == ErrorCode.DS_CHAMP_MISSING
    assert error.details["field"] == "project_type"
    assert "project_type" in error.message


def test_a_required_champ_left_empty_counts_as_missing(tmp_path: Path) -> None:
    empty = champ("DecimalNumberChamp", "Q2hhbXAtMQ==", None)
    assert refused(mapping(tmp_path), dossier(empty, *BASE[1:])).code == ErrorCode.DS_CHAMP_MISSING


def test_an_optional_champ_missing_is_none(tmp_path: Path) -> None:
    fields = read_fields(dossier(*BASE), mapping(tmp_path))
    assert fields.cents("eligible_cost_cents") is None
    assert fields.cents("granted_cents") is None
    assert fields.text("establishment_siret") is None


def test_the_commune_is_its_insee_code(tmp_path: Path) -> None:
    assert read_fields(dossier(*BASE), mapping(tmp_path)).text("commune") == "51454"


def test_a_choice_is_translated_and_an_unknown_choice_is_refused(tmp_path: Path) -> None:
    assert read_fields(dossier(*BASE), mapping(tmp_path)).text("project_type") == "investissement-industriel"
    other = champ("DropDownListChamp", "Q2hhbXAtNQ==", "Autre", choice="Autre")
    error = refused(mapping(tmp_path), dossier(*BASE[:2], other))
    assert error.code == ErrorCode.DS_CHAMP_INVALID
    assert error.details["field"] == "project_type"


def test_a_siret_is_found_by_label_when_the_settings_give_no_id(tmp_path: Path) -> None:
    siret = champ(
        "SiretChamp",
        "Q2hhbXAtOTk=",
        "13002526500013",
        label="SIRET de l'établissement",
        etablissement={"siret": "13002526500013", "entreprise": {"siren": "130025265"}},
    )
    assert read_fields(dossier(*BASE, siret), mapping(tmp_path)).text("establishment_siret") == "13002526500013"


def test_a_siret_failing_its_checksum_is_refused(tmp_path: Path) -> None:
    siret = champ("SiretChamp", "x", "13002526500014", label="SIRET de l'établissement")
    assert refused(mapping(tmp_path), dossier(*BASE, siret)).code == ErrorCode.DS_CHAMP_INVALID


def test_yes_no_is_a_boolean(tmp_path: Path) -> None:
    yes = champ("YesNoChamp", "Q2hhbXAtNg==", "Oui", yes=True)
    assert read_fields(dossier(*BASE, yes), mapping(tmp_path)).flag("ecological") is True


def test_a_private_annotation_is_read_like_a_champ(tmp_path: Path) -> None:
    granted = champ("DecimalNumberChamp", "QW5ub3QtMQ==", "180000", decimal=180000.0)
    fields = read_fields(dossier(*BASE, annotations=(granted,)), mapping(tmp_path))
    assert fields.cents("granted_cents") == 18_000_000


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ('demarche = 1\nkind = "x"\n[champs]\na = { id = "i", type = "float-euros" }', "float-euros"),
        ('demarche = 1\nkind = "x"\n[champs]\na = { id = "i", type = "choice" }', "values"),
        ('demarche = 1\nkind = "x"\n[champs]\na = { type = "commune" }', "id or a label"),
        ('demarche = 1\nkind = "x"\n[champs]\na = { id = "i", type = "commune", typo = 1 }', "typo"),
        ("demarche = [", "TOML"),
    ],
)
def test_a_broken_settings_file_stops_the_start_naming_the_file_and_the_fault(
    tmp_path: Path, broken: str, says: str
) -> None:
    with pytest.raises(ConfigurationError, match=says) as caught:
        mapping(tmp_path, broken)
    assert "fonds-vert.toml" in str(caught.value)


def test_two_files_for_one_demarche_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "b.toml").write_text(MAPPING, encoding="utf-8")
    with pytest.raises(ConfigurationError, match="12345"):
        load_mappings([tmp_path / "a.toml", tmp_path / "b.toml"])


def test_every_committed_demarche_settings_file_loads() -> None:
    files = sorted((REPO / "deploy" / "ds").glob("*.toml"))
    assert files, "deploy/ds holds the settings file of each démarche"
    assert set(load_mappings(files)) == {load_mapping(f).demarche for f in files}


def test_a_text_champ_is_its_trimmed_text_and_a_control_character_is_refused(tmp_path: Path) -> None:
    m = mapping(tmp_path, MAPPING.replace("[annotations]", "title = { id = 'T', type = 'text' }\n[annotations]"))
    title = champ("TextChamp", "T", "  Four électrique de la fonderie  ")
    assert read_fields(dossier(*BASE, title), m).text("title") == "Four électrique de la fonderie"
    bad = champ("TextChamp", "T", "Four\x00")
    assert refused(m, dossier(*BASE, bad)).code == ErrorCode.DS_CHAMP_INVALID
