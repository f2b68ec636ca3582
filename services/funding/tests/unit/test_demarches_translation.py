"""A Fonds vert dossier of Démarches simplifiées becomes funding changes: the pure part of funding's translator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Instrument, Programme
from tdi_contracts.reference.programmes_catalogue import ProjectType
from tdi_funding.commands import FileFromDemarches
from tdi_funding.demarches import (
    Approved,
    DecisionReverted,
    InstructionStarted,
    Refused,
    Withdrawn,
    application_id,
    changes,
    commune_of,
    options_of,
)
from tdi_runtime.doors.demarches.cursor import Applied
from tdi_runtime.doors.demarches.mapping import Fields, load_mapping
from tdi_runtime.doors.demarches.model import DossierState as S
from tdi_runtime.doors.demarches.translator import Applicant, DossierSnapshot
from tdi_runtime.errors import DomainError

EXAMPLE = Path(__file__).resolve().parents[4] / "deploy" / "ds" / "fonds-vert-ti.example.toml"
T = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
OPTIONS = {"programme": "fonds-vert-ti", "instrument": "subvention", "envelope": "by-region"}
VALUES = {
    "project_title": "Four électrique de la fonderie",
    "requested_cents": 25_000_050,
    "eligible_cost_cents": 90_000_000,
    "commune": "51454",
    "establishment_siret": "13002526500013",
    "project_type": "investissement-industriel",
    "granted_cents": None,
}


def snapshot(state: S, at: datetime = T, number: int = 1001, **values: object) -> DossierSnapshot:
    return DossierSnapshot(
        demarche=4242,
        number=number,
        state=state,
        updated_at=at,
        deposited_at=T - timedelta(days=30),
        instruction_started_at=None if state is S.EN_CONSTRUCTION else T - timedelta(days=20),
        processed_at=at if state.decided else None,
        link=f"https://www.demarches-simplifiees.fr/procedures/4242/dossiers/{number}",
        fields=Fields({**VALUES, **values}),  # type: ignore[arg-type]
        applicant=Applicant(siret="13002526500013", siren="130025265", commune="51454"),
        options=OPTIONS,
    )


def kinds(found: list[object]) -> list[str]:
    return [type(c).__name__ for c in found]


def test_the_application_id_is_stable_per_demarche_and_dossier_number() -> None:
    assert application_id(4242, 1001) == application_id(4242, 1001)
    assert application_id(4242, 1001) != application_id(4242, 1002)
    assert application_id(4242, 1001) != application_id(4243, 1001)
    assert isinstance(application_id(4242, 1001), UUID) and application_id(4242, 1001).version == 5


def test_a_new_dossier_is_filed_with_its_amounts_in_cents_its_commune_and_company_and_a_link() -> None:
    (filed,) = changes(snapshot(S.EN_CONSTRUCTION), None)
    assert isinstance(filed, FileFromDemarches)
    assert filed.application_id == application_id(4242, 1001)
    assert filed.partner_reference == "ds:4242:1001"
    assert (filed.requested_cents, filed.eligible_cost_cents) == (25_000_050, 90_000_000)
    assert (filed.commune_insee, filed.applicant_siren, filed.establishment_siret) == (
        "51454",
        "130025265",
        "13002526500013",
    )
    assert (filed.programme, filed.instrument, filed.project_type) == (
        Programme.FONDS_VERT_TI,
        Instrument.SUBVENTION,
        ProjectType.INVESTISSEMENT_INDUSTRIEL,
    )
    assert filed.link == "https://www.demarches-simplifiees.fr/procedures/4242/dossiers/1001"
    assert filed.filed_at == T - timedelta(days=30)


@pytest.mark.parametrize(
    ("arrondissement", "commune"),
    [
        ("13201", "13055"),
        ("13216", "13055"),
        ("69381", "69123"),
        ("69389", "69123"),
        ("75101", "75056"),
        ("75120", "75056"),
        ("51454", "51454"),
        ("13200", "13200"),
        ("75121", "75121"),
    ],
)
def test_a_paris_lyon_or_marseille_arrondissement_is_located_as_its_commune(arrondissement: str, commune: str) -> None:
    assert commune_of(arrondissement) == commune
    (filed,) = changes(snapshot(S.EN_CONSTRUCTION, commune=arrondissement), None)
    assert isinstance(filed, FileFromDemarches) and filed.commune_insee == commune


def test_the_company_comes_from_the_applicant_when_the_form_has_no_siret() -> None:
    (filed,) = changes(snapshot(S.EN_CONSTRUCTION, establishment_siret=None), None)
    assert isinstance(filed, FileFromDemarches)
    assert (filed.applicant_siren, filed.establishment_siret) == ("130025265", "13002526500013")


def test_a_dossier_of_a_person_with_no_company_number_is_refused_naming_the_field() -> None:
    d = snapshot(S.EN_CONSTRUCTION, establishment_siret=None)
    d = DossierSnapshot(**{**d.__dict__, "applicant": None})
    with pytest.raises(DomainError) as caught:
        changes(d, None)
    assert caught.value.code == ErrorCode.DS_CHAMP_MISSING
    assert caught.value.details["field"] == "applicant_siren"


@pytest.mark.parametrize(
    ("previous", "state", "expected"),
    [
        (None, S.EN_INSTRUCTION, ["FileFromDemarches", "InstructionStarted"]),
        (None, S.ACCEPTE, ["FileFromDemarches", "InstructionStarted", "Approved"]),
        (None, S.REFUSE, ["FileFromDemarches", "InstructionStarted", "Refused"]),
        (None, S.SANS_SUITE, ["FileFromDemarches", "InstructionStarted", "Withdrawn"]),
        (S.EN_CONSTRUCTION, S.EN_CONSTRUCTION, []),  # an edit while en construction: not mirrored
        (S.EN_CONSTRUCTION, S.EN_INSTRUCTION, ["InstructionStarted"]),
        (S.EN_CONSTRUCTION, S.ACCEPTE, ["InstructionStarted", "Approved"]),  # DS's automatic acceptance
        (S.EN_INSTRUCTION, S.EN_CONSTRUCTION, []),  # « repasser en construction »: stays under instruction
        (S.EN_INSTRUCTION, S.ACCEPTE, ["Approved"]),
        (S.EN_INSTRUCTION, S.REFUSE, ["Refused"]),
        (S.EN_INSTRUCTION, S.SANS_SUITE, ["Withdrawn"]),
        (S.ACCEPTE, S.EN_INSTRUCTION, ["DecisionReverted"]),  # « repasser en instruction »
        (S.REFUSE, S.EN_INSTRUCTION, ["DecisionReverted"]),
        (S.SANS_SUITE, S.EN_INSTRUCTION, ["DecisionReverted"]),
        (S.ACCEPTE, S.REFUSE, ["DecisionReverted", "Refused"]),  # the step between was not seen
        (S.ACCEPTE, S.EN_CONSTRUCTION, ["DecisionReverted"]),
        (S.ACCEPTE, S.ACCEPTE, []),  # a later edit of an accepted dossier: staff act on the platform
    ],
)
def test_each_move_of_a_dossier_gives_the_documented_changes(previous: S | None, state: S, expected: list[str]) -> None:
    was = None if previous is None else Applied(T - timedelta(hours=1), previous)
    assert kinds(changes(snapshot(state, granted_cents=18_000_000), was)) == expected


def test_an_approval_grants_the_amount_of_the_private_annotation() -> None:
    (approved,) = changes(snapshot(S.ACCEPTE, granted_cents=18_000_000), Applied(T, S.EN_INSTRUCTION))
    assert isinstance(approved, Approved)
    assert (approved.granted_cents, approved.at) == (18_000_000, T)


def test_an_accepted_dossier_without_its_granted_amount_is_refused_with_its_code() -> None:
    with pytest.raises(DomainError) as caught:
        changes(snapshot(S.ACCEPTE), Applied(T, S.EN_INSTRUCTION))
    assert caught.value.code == ErrorCode.DS_GRANTED_AMOUNT_MISSING


def test_a_refusal_cites_the_dossier_never_the_free_text_motivation() -> None:
    (refused,) = changes(snapshot(S.REFUSE), Applied(T, S.EN_INSTRUCTION))
    assert isinstance(refused, Refused)
    assert refused.reason_code == "project-not-eligible"
    assert refused.reason == "Refusé sur Démarches simplifiées (dossier n° 1001)."


def test_a_reverted_decision_says_which_decision_it_was() -> None:
    (reverted,) = changes(snapshot(S.EN_INSTRUCTION, at=T + timedelta(hours=2)), Applied(T, S.ACCEPTE))
    assert isinstance(reverted, DecisionReverted)
    assert (reverted.decided, reverted.at) == (S.ACCEPTE, T + timedelta(hours=2))


def test_instruction_and_withdrawal_carry_their_application_and_time() -> None:
    started, withdrawn = changes(snapshot(S.SANS_SUITE), Applied(T, S.EN_CONSTRUCTION))
    assert isinstance(started, InstructionStarted) and isinstance(withdrawn, Withdrawn)
    assert started.application_id == withdrawn.application_id == application_id(4242, 1001)


def test_the_example_settings_file_has_the_options_the_translator_needs() -> None:
    options = options_of(load_mapping(EXAMPLE).options)
    assert (options.programme, options.instrument, options.envelope) == (
        Programme.FONDS_VERT_TI,
        Instrument.SUBVENTION,
        "by-region",
    )
