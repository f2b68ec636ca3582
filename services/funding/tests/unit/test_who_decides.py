"""Who decides a dossier and who only advises (issue 24, A1), as pure rules: decide = approve, refuse, withdraw,
reduce, pay; advise = file, open the instruction, record an avis."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Partner, Programme
from tdi_contracts.reference.programmes_catalogue import CATALOGUE
from tdi_funding.domain.rights import require_decision, require_instruction, require_opinion
from tdi_runtime.errors import DomainError

FONDS_VERT = CATALOGUE[Programme.FONDS_VERT_TI]
REBOND = CATALOGUE[Programme.REBOND_INDUSTRIEL_INVESTISSEMENT]


@contextmanager
def refused_with(code: ErrorCode) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """A rule's refusal: a `DomainError` of that code of the catalogue."""
    with pytest.raises(DomainError) as error:
        yield error
    assert error.value.code == code.value


def refusal(check, *args, **kwargs) -> str | None:
    try:
        check(*args, **kwargs)
    except DomainError as error:
        assert error.message and error.http_status == 403
        return error.code
    return None


def test_ademe_may_not_commit_refuse_or_pay_a_fonds_vert_dossier_it_gets_a_code__P547_P718():
    """P:547 « avec l'appui de l'ADEME »: ADEME supports; P:718-722 its role is advice and knowledge."""
    assert refusal(require_decision, FONDS_VERT, partner=Partner.ADEME) == "PROGRAMME_NOT_DECIDED_BY_PARTNER"


def test_ademe_files_opens_the_instruction_and_records_an_avis_on_the_fonds_vert__P547():
    assert refusal(require_instruction, FONDS_VERT, partner=Partner.ADEME) is None
    assert refusal(require_opinion, FONDS_VERT, partner=Partner.ADEME) is None


def test_a_partner_with_no_part_in_a_programme_gets_programme_not_operated():
    assert refusal(require_decision, FONDS_VERT, partner=Partner.BPIFRANCE) == "PROGRAMME_NOT_OPERATED"
    assert refusal(require_opinion, FONDS_VERT, partner=Partner.BPIFRANCE) == "PROGRAMME_NOT_OPERATED"
    assert refusal(require_decision, REBOND, partner=Partner.BPIFRANCE) is None


def test_the_regional_prefecture_decides_the_fonds_vert_the_instructor_role_only_advises__P547_M275_M303():
    """M:275 « Déconcentré à l'échelle du préfet de région »; M:303 « Votre contact → Préfecture de région »."""
    assert refusal(require_decision, FONDS_VERT, role="regional") is None
    assert refusal(require_decision, FONDS_VERT, role="instructor") == "PROGRAMME_NOT_DECIDED_BY_PARTNER"
    assert refusal(require_instruction, FONDS_VERT, role="instructor") is None
    assert refusal(require_opinion, FONDS_VERT, role="instructor") is None
    assert refusal(require_opinion, FONDS_VERT, role="regional") == "FORBIDDEN"


def test_the_region_council_is_consulted_it_records_an_avis_and_never_decides__P547():
    """P:547 « en concertation avec les Conseils régionaux »."""
    assert refusal(require_opinion, FONDS_VERT, role="region-council") is None
    assert refusal(require_decision, FONDS_VERT, role="region-council") == "PROGRAMME_NOT_DECIDED_BY_PARTNER"


def test_national_staff_decide_the_fonds_vert_unless_the_platform_setting_says_otherwise():
    assert refusal(require_decision, FONDS_VERT, role="national") is None
    assert refusal(require_decision, FONDS_VERT, role="national", national_decides_fonds_vert=False) == "FORBIDDEN"


def test_the_instructors_of_other_programmes_keep_deciding_on_them():
    assert refusal(require_decision, REBOND, role="instructor") is None
    assert refusal(require_opinion, REBOND, role="region-council") == "FORBIDDEN"


@pytest.mark.parametrize("role", ["reader", "unknown"])
def test_a_role_the_catalogue_does_not_name_neither_decides_nor_advises(role):
    assert refusal(require_decision, FONDS_VERT, role=role) == "FORBIDDEN"
    assert refusal(require_instruction, FONDS_VERT, role=role) == "FORBIDDEN"


def test_an_avis_is_a_dated_line_of_the_history_and_leaves_the_dossier_where_it_was__P547():
    from datetime import UTC, datetime
    from uuid import uuid4

    from tdi_funding.domain.application import Application, State

    at = datetime(2024, 2, 15, tzinfo=UTC)
    dossier = Application(uuid4(), "tdi-44-grand-reims", "fonds-vert-ti", "fonds-vert-ti-2024-r44", 15_000_000)
    dossier.file(at, "ademe")
    effect = dossier.record_opinion("favorable", "Projet cohérent avec la stratégie du territoire.", at, "ademe")
    again = dossier.record_opinion("favorable", "Projet cohérent avec la stratégie du territoire.", at, "ademe")
    assert effect.changed and not again.changed and effect.commit == 0
    assert dossier.state is State.FILED
    assert dossier.history[-1].note == "Avis favorable : Projet cohérent avec la stratégie du territoire."
    assert dossier.history[-1].actor == "ademe" and len(dossier.history) == 2
    dossier.refuse("hors critères", at, "regional:44")
    with refused_with(ErrorCode.APPLICATION_STATE_CONFLICT):
        dossier.record_opinion("défavorable", "Trop tard.", at, "region-council:44")
