"""On a broker in secure mode (SASL/SCRAM + KRaft authorizer), every principal can do exactly what the ACL file
grants: produce, consume, describe and create, tried on every topic of the catalogue."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError
from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka import KafkaError as KafkaErrorCode
from confluent_kafka.admin import AdminClient, NewTopic

from tdi_contracts.base import SPECS
from tdi_contracts.permissions import PARTNER_COMMANDS
from tdi_contracts.reference import Partner
from tdi_contracts.topics import ALL_TOPICS, INGRESS_SERVICES, partner_feedback_topic, partner_ingress_topic
from tdi_localstack.acls import ACL_FILE, apply, confluent_options, render
from tdi_localstack.kafka_server import KafkaServer
from tdi_localstack.provisioning import catalogue

pytestmark = pytest.mark.integration
OPERATIONS = ("produce", "consume", "describe", "create")
OPS_USER = "tdi-ops"


def test_the_committed_acl_file_is_the_rendering_of_the_contracts():
    assert ACL_FILE.read_text(encoding="utf-8") == render(), "run `python -m tdi_localstack acls export`"


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory):
    broker = KafkaServer(Path(tmp_path_factory.mktemp("secure-kafka")), secure=True, heap="384m")
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def _options(broker: KafkaServer, user: str) -> dict[str, str]:
    return {**confluent_options(broker.bootstrap_servers, user, broker.credentials[user]), "log_level": 2}


def granted(principal: str, topic: str, operation: str) -> bool:
    """What the ACL file says, read independently of the code that rendered it."""
    needs = {"produce": {"write"}, "consume": {"read"}, "describe": {"describe", "read", "write"}, "create": {"create"}}
    for rule in json.loads(ACL_FILE.read_text(encoding="utf-8"))["rules"]:
        matches = rule["name"] == topic if rule["pattern"] == "literal" else topic.startswith(rule["name"])
        mine = rule["principal"] == principal and rule["resource"] == "topic"
        if mine and matches and rule["operation"] in needs[operation]:
            return True
    return False


def _produce_results(options: dict[str, str], topics: list[str]) -> dict[str, bool]:
    results: dict[str, bool] = {}
    producer = Producer({**options, "message.timeout.ms": 15000, "enable.idempotence": True, "log_level": 2})
    try:
        for topic in topics:
            producer.produce(
                topic, key=b"k", value=b"{}", on_delivery=lambda err, msg, t=topic: results.setdefault(t, err is None)
            )
        producer.flush(30)
    except KafkaException:  # a principal that may write nowhere gets no producer id: a fatal error, every topic refused
        pass
    return {topic: results.get(topic, False) for topic in topics}


def _group_of(user: str) -> str:
    """A fresh consumer group the principal may use: `tdi-<service>-…` or `partner-<slug>.…`."""
    if user.startswith("svc-"):
        return f"{user.replace('svc-', 'tdi-')}-matrix-{uuid.uuid4().hex[:6]}"
    return f"{user}.matrix-{uuid.uuid4().hex[:6]}"


def _consume_results(
    options: dict[str, str], user: str, topics: list[str], group: str | None = None
) -> dict[str, bool]:
    """Read every topic: each answers a record or a refusal. In a group (a group refused refuses every topic), or,
    for the operators (no group: their tools read without one), from the topics' start without a group."""
    if user == OPS_USER:
        return _read_without_group(options, topics)
    group = group or _group_of(user)
    settings = {"group.id": group, "enable.auto.commit": False, "auto.offset.reset": "earliest", "log_level": 2}
    consumer = Consumer({**options, **settings})
    consumer.subscribe(topics)
    results: dict[str, bool] = {}
    deadline = time.monotonic() + 60
    while len(results) < len(topics) and time.monotonic() < deadline:
        message = consumer.poll(0.2)
        if message is not None and message.topic():
            error = message.error()
            results.setdefault(message.topic(), error is None)
        elif message is not None and message.error().code() == KafkaErrorCode.GROUP_AUTHORIZATION_FAILED:
            results = dict.fromkeys(topics, False)
    consumer.close()
    return results


def _read_without_group(options: dict[str, str], topics: list[str]) -> dict[str, bool]:
    """As `python -m tdi_runtime.dlq` reads (aiokafka, no group): each topic answers a record or a refusal."""

    async def one(topic: str, aiokafka_options: dict[str, str]) -> bool:
        consumer = AIOKafkaConsumer(topic, group_id=None, auto_offset_reset="earliest", **aiokafka_options)
        try:
            await consumer.start()
            return bool(await consumer.getmany(timeout_ms=10_000))
        except KafkaError:
            return False
        finally:
            await consumer.stop()

    aiokafka_options = {
        "bootstrap_servers": options["bootstrap.servers"],
        "security_protocol": options["security.protocol"],
        "sasl_mechanism": options["sasl.mechanism"],
        "sasl_plain_username": options["sasl.username"],
        "sasl_plain_password": options["sasl.password"],
    }
    return {topic: asyncio.run(one(topic, aiokafka_options)) for topic in topics}


def _describe_results(options: dict[str, str], topics: list[str]) -> dict[str, bool]:
    admin = AdminClient(options)
    metadata = admin.list_topics(timeout=15)
    return {t: t in metadata.topics and metadata.topics[t].error is None for t in topics}


def _create_results(options: dict[str, str], topics: list[str]) -> dict[str, bool]:
    admin = AdminClient(options)
    results = {}
    for topic, future in admin.create_topics([NewTopic(t, 1, 1) for t in topics], validate_only=True).items():
        try:
            future.result()
            results[topic] = True
        except KafkaException as error:
            results[topic] = "AUTHORIZATION" not in error.args[0].name()  # exists = the broker let us ask
    return results


def test_every_principal_can_do_on_every_topic_exactly_what_its_acls_grant(secure_broker):
    topics = [t.name for t in ALL_TOPICS]
    admin = AdminClient(_options(secure_broker, "admin"))
    for future in admin.create_topics([NewTopic(n, p, 1, config=c) for n, p, c in catalogue()]).values():
        future.result()
    assert apply(secure_broker.bootstrap_servers, "admin", secure_broker.credentials["admin"]) > 100
    probe = _options(secure_broker, "partner-apec")
    for _ in range(50):  # the ACLs reach the authorizer through the metadata log: wait until one is seen
        if _describe_results(probe, ["tdi.partner.apec.feedback.v1"])["tdi.partner.apec.feedback.v1"]:
            break
        time.sleep(0.2)
    seeded = _produce_results(_options(secure_broker, "admin"), topics)  # one record each, so a read shows
    assert all(seeded.values()) and len(seeded) == len(topics)

    tally: Counter[str] = Counter()
    wrong: list[str] = []
    for user in (u for u in secure_broker.credentials if u != "admin"):
        principal, options = f"User:{user}", _options(secure_broker, user)
        observed = {
            "produce": _produce_results(options, topics),
            "consume": _consume_results(options, user, topics),
            "describe": _describe_results(options, topics),
            "create": _create_results(options, topics),
        }
        for operation in OPERATIONS:
            for topic in topics:
                allowed, expected = observed[operation].get(topic, False), granted(principal, topic, operation)
                tally[f"{'allowed' if allowed else 'refused'}"] += 1
                if allowed != expected:
                    wrong.append(f"{principal} {operation} {topic}: {'allowed' if allowed else 'refused'}")
    print(f"\n[acl matrix] {len(secure_broker.credentials) - 1} principals × {len(topics)} topics × 4 operations:"
          f" {tally['allowed']} allowed, {tally['refused']} refused, {len(wrong)} unexpected")  # fmt: skip
    assert not wrong, wrong[:20]
    assert tally["allowed"] > 0 and tally["refused"] > tally["allowed"]


def test_a_partner_cannot_write_another_partners_ingress_nor_read_its_feedback_nor_forge_its_own(secure_broker):
    options = _options(secure_broker, "partner-ademe")
    produced = _produce_results(
        options, ["tdi.partner.bpifrance.vte.v1", "tdi.partner.ademe.feedback.v1", "tdi.partner.ademe.funding.v1"]
    )
    assert produced == {
        "tdi.partner.bpifrance.vte.v1": False,
        "tdi.partner.ademe.feedback.v1": False,
        "tdi.partner.ademe.funding.v1": True,
    }
    read = _consume_results(options, "partner-ademe", ["tdi.partner.bpifrance.feedback.v1"])
    assert read == {"tdi.partner.bpifrance.feedback.v1": False}


def _seeded(broker: KafkaServer, topics: list[str]) -> None:
    """The catalogue's topics with one record each, and the committed ACLs applied (idempotent)."""
    admin = AdminClient(_options(broker, "admin"))
    existing = set(admin.list_topics(timeout=15).topics)
    missing = [NewTopic(n, p, 1, config=c) for n, p, c in catalogue() if n not in existing]
    for future in admin.create_topics(missing).values() if missing else []:
        future.result()
    apply(broker.bootstrap_servers, "admin", broker.credentials["admin"])
    if missing:
        assert all(_produce_results(_options(broker, "admin"), topics).values())


def test_a_partner_writes_only_the_ingress_topics_where_the_permissions_give_it_a_command(secure_broker):
    """Against `PARTNER_COMMANDS`, not the ACL file: four partners have no command, three have one service's."""
    _seeded(secure_broker, [t.name for t in ALL_TOPICS])
    observed, expected = {}, {}
    for partner in Partner:
        topics = [partner_ingress_topic(partner, s) for s in INGRESS_SERVICES]
        observed.update(_produce_results(_options(secure_broker, f"partner-{partner.value}"), topics))
        owned = {SPECS[t].service for t in PARTNER_COMMANDS[partner]}
        expected.update({partner_ingress_topic(partner, s): s in owned for s in INGRESS_SERVICES})
    print(f"\n[acl writes] {sum(observed.values())} of {len(observed)} partner ingress topics writable")
    assert observed == expected
    assert sum(expected.values()) == 5  # Bpifrance: 2; Banque des Territoires, ADEME, Action Logement: 1 each


def test_a_partner_cannot_use_the_consumer_group_of_a_partner_whose_slug_extends_its_own(secure_broker):
    _seeded(secure_broker, [t.name for t in ALL_TOPICS])
    options, feedback = _options(secure_broker, "partner-ademe"), [partner_feedback_topic("ademe")]
    extended = _consume_results(options, "partner-ademe", feedback, group=f"partner-ademe-evil.{uuid.uuid4().hex[:6]}")
    own = _consume_results(options, "partner-ademe", feedback, group=f"partner-ademe.{uuid.uuid4().hex[:6]}")
    assert (extended, own) == ({feedback[0]: False}, {feedback[0]: True})


def test_the_operators_write_back_only_where_a_redriven_dead_letter_is_of_use(secure_broker):
    _seeded(secure_broker, [t.name for t in ALL_TOPICS])
    options = _options(secure_broker, OPS_USER)
    wanted = {
        "tdi.partner.bpifrance.vte.v1": True,  # a refused command, re-driven once its cause is fixed
        "tdi.territory.territory.v1": True,  # a projection that failed on a territory event
        "tdi.territory.reference.v1": False,  # compacted: an old state would become the latest of its key
        "tdi.funding.grant.v1": False,  # history only reporting reads: a rebuild, never a forged event
        "tdi.partner.apec.vte.v1": False,  # no command: re-driven, refused again
        "tdi.partner.bpifrance.feedback.v1": False,
    }
    assert _produce_results(options, list(wanted)) == wanted
    assert _consume_results(options, OPS_USER, ["tdi.dlq.tdi-vte.v1", "tdi.partner.bpifrance.feedback.v1"]) == {
        "tdi.dlq.tdi-vte.v1": True,
        "tdi.partner.bpifrance.feedback.v1": False,
    }
