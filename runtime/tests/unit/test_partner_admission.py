"""A partner's ingress topic admits only that partner's own, allowed commands."""

from types import SimpleNamespace

from tdi_contracts.reference import Partner
from tdi_runtime.partners import PartnerFeedback

FILE = "fr.territoires-industrie.funding.FileApplication.v1"
COMMIT = "fr.territoires-industrie.funding.CommitGrant.v1"
EVENT = "fr.territoires-industrie.funding.GrantCommitted.v1"


def delivery(producer: str, type_: str):
    return SimpleNamespace(envelope=SimpleNamespace(producer=producer, type=type_))


def test_an_allowed_command_from_the_topic_owner_is_admitted():
    assert PartnerFeedback(Partner.BPIFRANCE, {FILE}).admit(delivery("bpifrance", FILE)) is None


def test_a_command_declared_by_another_producer_is_refused_as_producer_mismatch():
    violation = PartnerFeedback(Partner.BPIFRANCE, {FILE}).admit(delivery("ademe", FILE))
    assert violation.code == "PRODUCER_MISMATCH"
    assert "ademe" in violation.reason


def test_an_event_is_not_a_command_and_an_unlisted_command_is_not_allowed():
    feedback = PartnerFeedback(Partner.BPIFRANCE, {FILE})
    assert feedback.admit(delivery("bpifrance", EVENT)).code == "NOT_A_COMMAND"
    assert feedback.admit(delivery("bpifrance", COMMIT)).code == "COMMAND_NOT_ALLOWED"
