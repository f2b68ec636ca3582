"""Who may do what on the broker: one principal per partner and per service, ACLs derived from the topics.

Pure declarations (no I/O): the local stack applies them (`python -m tdi_localstack acls apply`), the committed
`deploy/kafka/acls.json` is their rendering, and Strimzi `KafkaUser` resources can be derived from them too.
Every rule is an ALLOW; with `allow.everyone.if.no.acl.found=false` anything not listed is refused.
- A partner writes to its own ingress topics where it has a command (`permissions.PARTNER_COMMANDS`: a partner
  with no command writes nowhere, one missing from the permissions neither), reads its own feedback topic, and
  uses consumer groups whose name starts with `partner-<slug>.` (the dot: `partner-ademe` must not reach the
  groups of a partner `ademe-…`): nothing else.
- A service reads the topics it consumes (`SERVICE_READS`), writes its own domain topics (prefix
  `tdi.<service>.`), the dead-letter topics of its groups, and, for the services that own partner commands,
  the partners' feedback topics; it uses the consumer groups starting with `tdi-<service>`.
- The operators (`tdi-ops`, the dead-letter tools of deploy/RUNBOOK.md) read the dead-letter topics and write back
  only where a re-driven dead letter is of use (`ops_rules`); no group.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import SPECS
from .permissions import PARTNER_COMMANDS
from .reference.partners import Partner
from .topics import (
    DOMAIN_TOPICS,
    INGRESS_SERVICES,
    PARTNER_FEEDBACK_TOPICS,
    SERVICES,
    TERRITORY,
    TERRITORY_REFERENCE,
    consumer_group,
    dlq_topic,
    ingress_topics_of,
    partner_feedback_topic,
    partner_ingress_topic,
)

_TERRITORY_TOPICS = (TERRITORY_REFERENCE.name, TERRITORY.name)
SERVICE_READS: dict[str, tuple[str, ...]] = {
    "territory": (),
    "actions": _TERRITORY_TOPICS,
    "funding": (*_TERRITORY_TOPICS, *ingress_topics_of("funding")),
    "vte": (*_TERRITORY_TOPICS, *ingress_topics_of("vte")),
    # every domain event, and the partners' answers (issue 26: the rejection-rate alert)
    "reporting": (*(t.name for t in DOMAIN_TOPICS), *(t.name for t in PARTNER_FEEDBACK_TOPICS)),
}
"""The topics each service's consumer group reads (its `ConsumerSpec` topics must be among them)."""


@dataclass(frozen=True, order=True)
class AclRule:
    """One ALLOW rule: principal, resource (topic or group, literal or prefixed name), operation."""

    principal: str
    resource: str  # "topic" | "group" | "broker" (the cluster, named kafka-cluster)
    pattern: str  # "literal" | "prefixed"
    name: str
    operation: str  # "read" | "write" | "describe" | "idempotent_write"


def partner_sources(partner: Partner | str) -> tuple[str, str]:
    """The `ce_source` a partner may declare (platform rule): `/partners/<slug>`, a path below it
    (`/partners/<slug>/<system>`), or `/tdi/<slug>` (what `Envelope.new` writes). Anything else, another
    partner's source above all, is refused on its ingress topics with SOURCE_MISMATCH."""
    slug = Partner(partner).value
    return f"/partners/{slug}", f"/tdi/{slug}"


def speaks_for(source: str, partner: Partner | str) -> bool:
    """True when `source` is one of the partner's own sources (see `partner_sources`)."""
    own, kit = partner_sources(partner)
    return source in (own, kit) or source.startswith(f"{own}/")


def partner_principal(partner: Partner | str) -> str:
    return f"User:partner-{Partner(partner).value}"


def service_principal(service: str) -> str:
    return f"User:svc-{service}"


def _topic(principal: str, name: str, *operations: str, pattern: str = "literal") -> list[AclRule]:
    return [AclRule(principal, "topic", pattern, name, op) for op in operations]


def _idempotent_producer(principal: str) -> AclRule:
    """Clients on older protocol versions (aiokafka) ask the cluster for a producer id: IDEMPOTENT_WRITE."""
    return AclRule(principal, "broker", "literal", "kafka-cluster", "idempotent_write")


def partner_group_prefix(partner: Partner | str) -> str:
    """The consumer groups a partner may use start with `partner-<slug>.` (e.g. `partner-ademe.feedback`): the
    delimiter keeps `partner-ademe` from matching the groups of a partner whose slug starts with `ademe`."""
    return f"partner-{Partner(partner).value}."


def commanded_ingress_topics(partner: Partner) -> list[str]:
    """The partner's ingress topics where it has at least one command (the services owning its commands); none for
    a partner with no command or missing from `PARTNER_COMMANDS` (fail closed)."""
    owners = {SPECS[t].service for t in PARTNER_COMMANDS.get(partner, frozenset()) if t in SPECS}
    return [partner_ingress_topic(partner, s) for s in INGRESS_SERVICES if s in owners]


def partner_rules(partner: Partner) -> list[AclRule]:
    who = partner_principal(partner)
    writes = commanded_ingress_topics(partner)
    rules = [_idempotent_producer(who)] if writes else []
    rules += [r for t in writes for r in _topic(who, t, "write", "describe")]
    rules += _topic(who, partner_feedback_topic(partner), "read", "describe")
    rules.append(AclRule(who, "group", "prefixed", partner_group_prefix(partner), "read"))
    return rules


DEAD_LETTER_PREFIX = "tdi.dlq."
"""Every consumer group's dead-letter topic (`dlq_topic`) starts with it."""
OPS_PRINCIPAL = "User:tdi-ops"
"""The operators' principal for the dead-letter tools (`python -m tdi_runtime.dlq`, deploy/RUNBOOK.md)."""


def ops_rules() -> list[AclRule]:
    """Platform rule: what re-driving dead letters needs, nothing more (issue 22 #13). `dlq list` reads the
    dead-letter topics; `dlq redrive` writes a dead letter back to its source topic, which is of use on:
    - a partner's ingress topic where it has a command (a command refused for a cause since fixed);
    - the territory event topic `tdi.territory.territory.v1` (a projection that failed on an event).
    Never on the compacted reference topic (an old state re-driven would become the latest of its key), nor on the
    history only reporting reads (its dead letters are fixed by `python -m tdi_reporting rebuild`), nor on the
    ingress of a partner with no command (refused again). Parked outbox rows are retried in the database
    (`tdi_runtime.outbox`), and the service's relay publishes them: no Kafka right. No consumer group: the tools
    read without one."""
    who = OPS_PRINCIPAL
    rules = [_idempotent_producer(who)]
    rules += _topic(who, DEAD_LETTER_PREFIX, "read", "describe", pattern="prefixed")
    targets = [TERRITORY.name, *(t for p in Partner for t in commanded_ingress_topics(p))]
    rules += [r for t in targets for r in _topic(who, t, "write", "describe")]
    return rules


def service_rules(service: str) -> list[AclRule]:
    who = service_principal(service)
    rules = [_idempotent_producer(who)]
    rules += [r for t in SERVICE_READS[service] for r in _topic(who, t, "read", "describe")]
    rules += _topic(who, f"tdi.{service}.", "write", "describe", pattern="prefixed")
    dead_letters = dlq_topic(consumer_group(service)).removesuffix(".v1")  # its groups' dead-letter topics
    rules += _topic(who, dead_letters, "write", "describe", pattern="prefixed")
    if service in INGRESS_SERVICES:
        rules += [r for p in Partner for r in _topic(who, partner_feedback_topic(p), "write", "describe")]
        # The partners' HTTP door (issue 25) produces a partner's commands onto its ingress topic of this service.
        door = [t for p in Partner for t in commanded_ingress_topics(p) if t == partner_ingress_topic(p, service)]
        rules += [r for t in door for r in _topic(who, t, "write")]
    rules.append(AclRule(who, "group", "prefixed", consumer_group(service), "read"))
    return rules


@dataclass(frozen=True)
class ClientQuota:
    """Kafka client quotas of one principal (the broker throttles beyond them; nothing is refused or lost).

    `producer_byte_rate` / `consumer_byte_rate`: bytes per second, summed over every connection of the
    principal; `request_percentage`: share of one broker thread's time its requests may use (100 = one thread).
    """

    producer_byte_rate: int
    consumer_byte_rate: int
    request_percentage: int


PARTNER_QUOTA = ClientQuota(producer_byte_rate=1_048_576, consumer_byte_rate=2_097_152, request_percentage=25)
"""Platform rule (the sources set no volume): 1 MiB/s in, 2 MiB/s out, a quarter of a broker thread per partner.
About 1 000 commands a second of ~1 KiB each: far above a partner's daily volume, well below what lets one
partner slow the others down."""

PARTNER_QUOTAS: dict[Partner, ClientQuota] = {p: PARTNER_QUOTA for p in Partner} | {
    # Bpifrance sends both funding and VTE commands (the most volume): twice the others' rates.
    Partner.BPIFRANCE: ClientQuota(producer_byte_rate=2_097_152, consumer_byte_rate=4_194_304, request_percentage=50),
}
"""Client quotas of each partner principal (`User:partner-<slug>`), rendered to `deploy/kafka/quotas.json`."""


def acl_rules() -> list[AclRule]:
    """Every rule of the platform, sorted and without repeats."""
    rules = [r for p in Partner for r in partner_rules(p)] + [r for s in SERVICES for r in service_rules(s)]
    return sorted(set(rules + ops_rules()))


def principals() -> list[str]:
    """Every principal the broker knows besides its admin: one per partner, one per service, the operators."""
    return [partner_principal(p) for p in Partner] + [service_principal(s) for s in SERVICES] + [OPS_PRINCIPAL]
