"""A partner's ingress topic admits only that partner's own, allowed commands."""

from types import SimpleNamespace

from tdi_contracts.reference import Partner
from tdi_runtime.partners import PartnerFeedback

FILE = "fr.territoires-industrie.funding.FileApplication.v1"
COMMIT = "fr.territoires-industrie.funding.CommitGrant.v1"
EVENT = "fr.territoires-industrie.funding.GrantCommitted.v1"


def delivery(producer: str, type_: str):
    return SimpleNamespace(envelope=SimpleNamespace(producer=producer, type=type_, source=f"/partners/{producer}"))


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


VTE_CONTRACT = "fr.territoires-industrie.vte.RecordVteContract.v1"


def on_topic(topic: str, producer: str, type_: str):
    envelope = SimpleNamespace(producer=producer, type=type_, source=f"/partners/{producer}")
    return SimpleNamespace(topic=topic, envelope=envelope)


def test_the_funding_ingress_admits_a_partners_funding_command_on_its_own_funding_topic():
    from tdi_runtime.partners import PartnerIngressFeedback

    feedback = PartnerIngressFeedback("funding")
    assert feedback.admit(on_topic("tdi.partner.bpifrance.funding.v1", "bpifrance", FILE)) is None
    assert feedback.admit(on_topic("tdi.partner.ademe.funding.v1", "ademe", FILE)) is None


def test_a_vte_command_sent_to_the_funding_ingress_is_not_allowed_there():
    from tdi_runtime.partners import PartnerIngressFeedback

    violation = PartnerIngressFeedback("funding").admit(
        on_topic("tdi.partner.bpifrance.funding.v1", "bpifrance", VTE_CONTRACT)
    )
    assert violation.code == "COMMAND_NOT_ALLOWED"


def test_the_partner_is_the_owner_of_the_topic_the_record_came_from():
    from tdi_runtime.partners import PartnerIngressFeedback

    violation = PartnerIngressFeedback("vte").admit(on_topic("tdi.partner.ademe.vte.v1", "bpifrance", VTE_CONTRACT))
    assert violation.code == "PRODUCER_MISMATCH"


def test_domain_topics_read_by_the_same_consumer_get_no_answer_and_no_strictness():
    from tdi_runtime.partners import PartnerIngressFeedback

    feedback = PartnerIngressFeedback("vte")
    record = on_topic("tdi.territory.territory.v1", "territory", "fr.territoires-industrie.territory.EpciJoined.v1")
    assert feedback.admit(record) is None
    assert feedback.strict_for("tdi.territory.territory.v1") is False
    assert feedback.strict_for("tdi.partner.bpifrance.vte.v1") is True


def from_source(source: str, producer: str = "bpifrance", type_: str = FILE):
    return SimpleNamespace(envelope=SimpleNamespace(producer=producer, type=type_, source=source))


def test_a_partner_cannot_speak_for_another_through_its_ce_source():
    feedback = PartnerFeedback(Partner.BPIFRANCE, {FILE})
    for forged in ("/partners/ademe", "/partners/bpifrance-ademe", "/tdi/funding", "https://ademe.fr/x", "/"):
        violation = feedback.admit(from_source(forged))
        assert violation is not None and violation.code == "SOURCE_MISMATCH", forged
        assert forged in violation.reason and "/partners/bpifrance" in violation.reason


def test_the_partners_own_source_and_its_sub_systems_are_admitted():
    feedback = PartnerFeedback(Partner.BPIFRANCE, {FILE})
    for own in ("/partners/bpifrance", "/partners/bpifrance/erp-vte", "/tdi/bpifrance"):
        assert feedback.admit(from_source(own)) is None, own


def test_a_record_whose_ce_id_or_type_cannot_travel_in_an_answer_is_answered_by_its_place_in_the_topic():
    from tdi_runtime.delivery import decode_record

    topic = "tdi.partner.bpifrance.funding.v1"
    headers = [("ce_id", "BPI 42 é".encode()), ("ce_type", b"fr.tdi.Chose illisible.v1")]
    record = decode_record(SimpleNamespace(topic=topic, partition=2, offset=41, key=b"k", value=b"{}", headers=headers))
    assert record.violation is not None
    answers = PartnerFeedback(Partner.BPIFRANCE, {FILE}).rejected(record, record.violation)
    assert len(answers) == 1
    assert answers[0].key == f"{topic}/2/41".encode()
    assert b'"partner_event_type":null' in answers[0].value.replace(b" ", b"")


def test_a_partner_missing_from_the_permissions_has_every_command_refused_with_an_answer(monkeypatch):
    """Fail closed (issue 23): a partner with an ingress topic but no entry in PARTNER_COMMANDS is not let through
    unchecked and unanswered; its commands are refused COMMAND_NOT_ALLOWED, and it hears so."""
    import tdi_runtime.partners as partners
    from tdi_contracts.envelope import Envelope, encode_event, spec_for
    from tdi_contracts.events.funding import FileApplication
    from tdi_contracts.permissions import PARTNER_COMMANDS
    from tdi_runtime.delivery import decode_record
    from tdi_runtime.testing import example_payload

    monkeypatch.setattr(partners, "PARTNER_COMMANDS", {p: c for p, c in PARTNER_COMMANDS.items() if p != "ademe"})
    feedback = partners.PartnerIngressFeedback("funding")
    payload = example_payload(FileApplication)
    envelope = Envelope.new(FILE, spec_for(payload).subject_of(payload), "ademe")
    key, value, headers = encode_event(envelope.model_copy(update={"source": "/partners/ademe"}), payload)
    topic = "tdi.partner.ademe.funding.v1"
    record = decode_record(SimpleNamespace(topic=topic, partition=0, offset=7, key=key, value=value, headers=headers))

    violation = feedback.admit(record)

    assert violation is not None and violation.code == "COMMAND_NOT_ALLOWED"
    assert feedback.strict_for(topic) is True
    [answer] = feedback.rejected(record, violation)
    assert answer.topic == "tdi.partner.ademe.feedback.v1" and b"COMMAND_NOT_ALLOWED" in answer.value
