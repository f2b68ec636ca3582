"""Kafka topics of the platform: names, partition counts, retention; the local stack creates ALL_TOPICS."""

from collections.abc import Iterable
from dataclasses import dataclass

from .reference.partners import Partner

SERVICES = ("territory", "actions", "funding", "vte", "reporting")
"""The five services; each consumes as one consumer group named `tdi-<service>`."""
FOREVER = -1
"""retention.ms of topics that are the platform's history (read models are rebuilt by replaying them)."""
UNBOUNDED = -1
"""retention.bytes of topics never cut by size (the history, and compacted topics: compaction bounds them)."""
DAY_MS = 24 * 3600 * 1000
MIB = 1024 * 1024
MAX_MESSAGE_BYTES = 1_048_576
"""max.message.bytes of every topic unless its spec says otherwise (a platform rule: Kafka's own default, 1 MiB).
The outbox refuses a record over its topic's limit when it is written; the relay's producer never exceeds it."""

PROGRAMME_DAILY_EVENTS = 5_000
"""Platform rule (the sources give no volume): the programme's partners send a few thousand events a day
(300 VTE contracts in 2023, 144 Fonds vert dossiers in the demonstration); the byte bounds below hold a whole
retention of 5,000 events a day of ~2 KiB, all from one partner, so they only bite on abuse."""


@dataclass(frozen=True)
class TopicClass:
    """How long and how much one class of topics keeps, per partition (platform rules, contracts/README.md).

    `retention_bytes` is per partition (Kafka's unit); Kafka deletes whole closed segments only, so
    `segment_bytes` is well below it for the bound to bite (and the active segment comes on top of it).
    """

    name: str
    retention_ms: int
    retention_bytes: int
    segment_bytes: int
    cleanup_policy: str = "delete"


DOMAIN = TopicClass("domain", FOREVER, UNBOUNDED, 1024 * MIB)
"""The platform's history: kept forever and never cut by size (read models are rebuilt from it; the inbox
retention relies on it). Partners cannot write it; their commands reach it at the rate of their quotas."""
COMPACTED = TopicClass("compacted", FOREVER, UNBOUNDED, 16 * MIB, "compact")
"""The latest state per key (territory reference, indicators per scope): compaction bounds them by the number of
keys; 16 MiB segments let compaction run at the programme's volume (it never cleans the active segment)."""
INGRESS = TopicClass("ingress", 30 * DAY_MS, 128 * MIB, 16 * MIB)
"""A partner's commands: 30 days, at most 128 MiB per partition (3 partitions). A partner flooding its ingress
topic only pushes out its own oldest records; the inbox keeps what was applied."""
FEEDBACK = TopicClass("feedback", 30 * DAY_MS, 128 * MIB, 16 * MIB)
"""One answer per ingress record: the same bounds as the ingress topic it answers."""
DEAD_LETTERS = TopicClass("dead-letters", 90 * DAY_MS, 512 * MIB, 32 * MIB)
"""A group's dead letters (each at most 64 KiB of the record plus headers): 90 days, at most 512 MiB."""

BROKER_DISK_BUDGET_BYTES = 16 * 1024 * MIB
"""Platform rule: the most every bounded topic may hold on one broker together (each broker holds a replica of
every partition), a third of the k8s broker volume (50 Gi); the rest is the history's."""


@dataclass(frozen=True)
class TopicSpec:
    """One Kafka topic and the configuration it is created with."""

    name: str
    partitions: int
    kind: TopicClass
    description: str = ""
    max_message_bytes: int = MAX_MESSAGE_BYTES

    @property
    def retention_ms(self) -> int:
        return self.kind.retention_ms

    @property
    def retention_bytes(self) -> int:
        return self.kind.retention_bytes

    @property
    def cleanup_policy(self) -> str:
        return self.kind.cleanup_policy

    def config(self) -> dict[str, str]:
        """Topic-level configuration for an admin client's create_topics."""
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(self.retention_ms),
            "retention.bytes": str(self.retention_bytes),
            "segment.bytes": str(self.kind.segment_bytes),
            "max.message.bytes": str(self.max_message_bytes),
        }


def bounded_bytes(specs: Iterable[TopicSpec]) -> int:
    """The most these topics can hold on one broker: retained segments plus the active one, per partition
    (topics not bounded by size count nothing)."""
    return sum(
        s.partitions * (s.retention_bytes + s.kind.segment_bytes) for s in specs if s.retention_bytes != UNBOUNDED
    )


def consumer_group(service: str) -> str:
    """The consumer group of a service: `tdi-<service>`."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {SERVICES}")
    return f"tdi-{service}"


def dlq_topic(group: str) -> str:
    """Dead-letter topic of one consumer group: `tdi.dlq.<group>.v1`."""
    return f"tdi.dlq.{group}.v1"


INGRESS_SERVICES = ("funding", "vte")
"""The services that own partner commands. A partner has one ingress topic per owning service, so each ingress
record has exactly one consumer group (its owner) and therefore exactly one answer: a malformed record on
Bpifrance's VTE topic is refused once, by vte, never a second time by funding."""


def partner_ingress_topic(partner: Partner | str, service: str) -> str:
    """Topic a partner publishes the commands owned by `service` to: `tdi.partner.<partner>.<service>.v1`."""
    if service not in INGRESS_SERVICES:
        raise ValueError(f"no partner ingress for service {service!r}; expected one of {INGRESS_SERVICES}")
    return f"tdi.partner.{Partner(partner).value}.{service}.v1"


def partner_of_ingress_topic(topic: str) -> Partner | None:
    """The partner whose ingress topic this is (None for any other topic)."""
    for partner in Partner:
        if any(topic == partner_ingress_topic(partner, s) for s in INGRESS_SERVICES):
            return partner
    return None


def partner_feedback_topic(partner: Partner | str) -> str:
    """Topic where a partner gets one answer per event it published: `tdi.partner.<partner>.feedback.v1`."""
    return f"tdi.partner.{Partner(partner).value}.feedback.v1"


def _domain(service: str, aggregate: str, text: str, *, compact: bool = False) -> TopicSpec:
    return TopicSpec(f"tdi.{service}.{aggregate}.v1", 6, COMPACTED if compact else DOMAIN, text)


TERRITORY = _domain("territory", "territory", "Territory events: labelling, EPCI, communes, binômes, chefs")
TERRITORY_REFERENCE = _domain(
    "territory",
    "reference",
    "Latest full state of each territory (compacted, keyed by territory id)",
    compact=True,
)
FICHE_ACTION = _domain("actions", "fiche-action", "Fiche action lifecycle, keyed by territory id")
FUNDING_ENVELOPE = _domain("funding", "envelope", "Funding envelopes opened and closed, keyed by envelope id")
FUNDING_APPLICATION = _domain("funding", "application", "Applications filed and decided, keyed by territory")
FUNDING_GRANT = _domain("funding", "grant", "Grants committed, released and paid, keyed by territory id")
VTE_CONTRACT = _domain("vte", "contract", "VTE contracts and their aid, keyed by territory id")
REPORTING_INDICATORS = _domain(
    "reporting", "indicators", "Latest programme indicators per scope (compacted)", compact=True
)

DOMAIN_TOPICS: tuple[TopicSpec, ...] = (
    TERRITORY,
    TERRITORY_REFERENCE,
    FICHE_ACTION,
    FUNDING_ENVELOPE,
    FUNDING_APPLICATION,
    FUNDING_GRANT,
    VTE_CONTRACT,
    REPORTING_INDICATORS,
)
PARTNER_INGRESS_TOPICS: tuple[TopicSpec, ...] = tuple(
    TopicSpec(partner_ingress_topic(p, s), 3, INGRESS, description=f"{s} commands published by {p.label}")
    for s in INGRESS_SERVICES
    for p in Partner
)


def ingress_topics_of(service: str) -> tuple[str, ...]:
    """Every partner's ingress topic of one owning service: the topics its commands may arrive on."""
    return tuple(partner_ingress_topic(p, service) for p in Partner)


PARTNER_FEEDBACK_TOPICS: tuple[TopicSpec, ...] = tuple(
    TopicSpec(partner_feedback_topic(p), 3, FEEDBACK, description=f"One answer per event of {p.label}") for p in Partner
)
DLQ_TOPICS: tuple[TopicSpec, ...] = tuple(
    TopicSpec(dlq_topic(consumer_group(s)), 1, DEAD_LETTERS, description=f"Dead letters of tdi-{s}") for s in SERVICES
)
ALL_TOPICS: tuple[TopicSpec, ...] = DOMAIN_TOPICS + PARTNER_INGRESS_TOPICS + PARTNER_FEEDBACK_TOPICS + DLQ_TOPICS


def topic_spec(name: str) -> TopicSpec:
    """The spec of a topic by name; KeyError names the unknown topic."""
    for spec in ALL_TOPICS:
        if spec.name == name:
            return spec
    raise KeyError(f"no such topic in the contracts: {name}")


def names(specs: tuple[TopicSpec, ...]) -> tuple[str, ...]:
    """The names of some topics, e.g. every partner ingress topic a command may arrive on."""
    return tuple(spec.name for spec in specs)
