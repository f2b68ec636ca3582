"""A decision taken back on Démarches simplifiées (« repasser en instruction »): the dossier's rule, and the
funding commands the DS door dispatches for each change of a dossier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import RejectionReason
from tdi_contracts.money import eur
from tdi_funding.commands import (
    FileFromDemarches,
    RevertDecision,
    StaffApproval,
    StaffRefusal,
    StaffWithdrawal,
    StartInstruction,
)
from tdi_funding.demarches import application_id, translate
from tdi_funding.domain.application import Application, State
from tdi_runtime.doors.demarches.cursor import Applied
from tdi_runtime.doors.demarches.model import DossierState as S
from tdi_runtime.errors import DomainError

from .test_demarches_translation import snapshot

NOW = datetime(2024, 3, 1, tzinfo=UTC)


def _approved(granted: int = eur(500)) -> Application:
    app = Application(uuid4(), "tdi-44-grand-reims", "fonds-vert-ti", "fonds-vert-ti-2024-r44", eur(600))
    app.file(NOW, "demarches-simplifiees")
    app.start_instruction(NOW, "demarches-simplifiees")
    app.approve(granted, uuid4(), NOW, "demarches-simplifiees")
    return app


def test_an_approval_taken_back_gives_its_whole_commitment_back_and_a_new_approval_commits_a_new_grant() -> None:
    app = _approved()
    first_grant = app.grant_id
    effect = app.reopen(NOW + timedelta(days=1), "demarches-simplifiees")
    assert (effect.decommit, app.state, app.committed_cents, app.grant_id) == (
        eur(500),
        State.UNDER_INSTRUCTION,
        0,
        None,
    )
    assert (
        app.history[-1].note
        == "Décision reprise (le dossier était accordé) : instruction rouverte. 500,00 € désengagés."
    )
    assert not app.reopen(NOW, "demarches-simplifiees").changed  # the same reversal seen twice
    again = app.approve(eur(400), uuid4(), NOW + timedelta(days=2), "demarches-simplifiees")
    assert (again.commit, app.committed_cents) == (eur(400), eur(400)) and app.grant_id != first_grant


@pytest.mark.parametrize("decide", ["refuse", "withdraw"])
def test_a_refusal_or_a_withdrawal_taken_back_reopens_the_instruction_and_moves_no_money(decide: str) -> None:
    app = Application(uuid4(), "tdi-44-grand-reims", "fonds-vert-ti", "fonds-vert-ti-2024-r44", eur(600))
    app.file(NOW, "ds")
    app.start_instruction(NOW, "ds")
    app.refuse("Refusé.", NOW, "ds") if decide == "refuse" else app.withdraw(NOW, "ds")
    effect = app.reopen(NOW, "ds")
    assert (effect.changed, effect.decommit, app.state) == (True, 0, State.UNDER_INSTRUCTION)


def test_a_decision_is_not_taken_back_once_something_was_paid() -> None:
    app = _approved()
    app.pay("VIR-1", eur(100), NOW, "staff")
    with pytest.raises(DomainError) as error:
        app.reopen(NOW, "demarches-simplifiees")
    assert error.value.code == ErrorCode.DS_DECISION_REVERTED_AFTER_PAYMENT.value
    assert (app.state, app.committed_cents) == (State.APPROVED, eur(500))


def test_a_dossier_filed_never_decided_has_no_decision_to_take_back() -> None:
    app = Application(uuid4(), "t", "fonds-vert-ti", "e", eur(600))
    app.file(NOW, "ds")
    with pytest.raises(DomainError) as error:
        app.reopen(NOW, "ds")
    assert error.value.code == ErrorCode.APPLICATION_STATE_CONFLICT.value


def test_a_dossier_first_seen_accepted_is_filed_instructed_and_approved_by_funding_commands() -> None:
    app_id = application_id(4242, 1001)
    commands = translate(snapshot(S.ACCEPTE, granted_cents=18_000_000), None)
    assert [type(c) for c in commands] == [FileFromDemarches, StartInstruction, StaffApproval]
    filed = commands[0]
    assert isinstance(filed, FileFromDemarches)
    assert (filed.application_id, filed.commune_insee, filed.requested_cents) == (app_id, "51454", 25_000_050)
    assert filed.link == "https://www.demarches-simplifiees.fr/procedures/4242/dossiers/1001"
    assert commands[2] == StaffApproval(app_id, 18_000_000)


def test_a_decision_taken_back_then_another_decision_are_a_reversal_then_the_staffs_command() -> None:
    app_id = application_id(4242, 1001)
    accepted = Applied(NOW, S.ACCEPTE)
    assert translate(snapshot(S.EN_INSTRUCTION, at=NOW + timedelta(hours=1)), accepted) == [RevertDecision(app_id)]
    refused = translate(snapshot(S.REFUSE, at=NOW + timedelta(hours=2)), accepted)
    assert [type(c) for c in refused] == [RevertDecision, StaffRefusal]
    assert isinstance(refused[1], StaffRefusal) and refused[1].reason_code is RejectionReason.PROJECT_NOT_ELIGIBLE
    withdrawn = translate(snapshot(S.SANS_SUITE, at=NOW + timedelta(hours=3)), Applied(NOW, S.EN_INSTRUCTION))
    assert withdrawn == [StaffWithdrawal(app_id)]


def test_the_ds_door_decides_on_the_dossiers_it_filed_and_on_no_other() -> None:
    from tdi_funding.actor import DEMARCHES, Actor
    from tdi_runtime.pipeline import Caller

    door, staff = Actor(Caller.system(DEMARCHES)), Actor(Caller.of_token("s", "staff"))
    door.require_own_dossier("demarches-simplifiees")  # its own
    staff.require_own_dossier("demarches-simplifiees")  # staff act on any dossier they reach
    with pytest.raises(DomainError) as error:
        door.require_own_dossier("national")
    assert error.value.code == ErrorCode.FORBIDDEN.value
    assert (door.name, Actor(Caller.system("funding")).name) == ("demarches-simplifiees", "system")
