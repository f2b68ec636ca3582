"""Kafka topics of the platform: names, partition counts, retention; the local stack creates ALL_TOPICS."""

from dataclasses import dataclass

from .reference.partners import Partner

SERVICES = ("territory", "actions", "funding", "vte", "reporting")
"""The five services; each consumes as one consumer group named `tdi-<service>`."""
FOREVER = -1
"""retention.ms of topics that are the platform's history (read models are rebuilt by replaying them)."""
DAY_MS = 24 * 3600 * 1000
MAX_MESSAGE_BYTES = 1_048_576
"""max.message.bytes of every topic unless its spec says otherwise (a platform rule: Kafka's own default, 1 MiB).
The outbox refuses a record over its topic's limit when it is written; the relay's producer never exceeds it."""


@dataclass(frozen=True)
class TopicSpec:
    """One Kafka topic and the configuration it is created with."""

    name: str
    partitions: int
    retention_ms: int
    cleanup_policy: str = "delete"
    description: str = ""
    max_message_bytes: int = MAX_MESSAGE_BYTES

    def config(self) -> dict[str, str]:
        """Topic-level configuration for an admin client's create_topics."""
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(self.retention_ms),
            "max.message.bytes": str(self.max_message_bytes),
        }


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
    policy = "compact" if compact else "delete"
    return TopicSpec(f"tdi.{service}.{aggregate}.v1", 6, FOREVER, policy, text)


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
    TopicSpec(partner_ingress_topic(p, s), 3, 30 * DAY_MS, description=f"{s} commands published by {p.label}")
    for s in INGRESS_SERVICES
    for p in Partner
)


def ingress_topics_of(service: str) -> tuple[str, ...]:
    """Every partner's ingress topic of one owning service: the topics its commands may arrive on."""
    return tuple(partner_ingress_topic(p, service) for p in Partner)


PARTNER_FEEDBACK_TOPICS: tuple[TopicSpec, ...] = tuple(
    TopicSpec(partner_feedback_topic(p), 3, 30 * DAY_MS, description=f"One answer per event of {p.label}")
    for p in Partner
)
DLQ_TOPICS: tuple[TopicSpec, ...] = tuple(
    TopicSpec(dlq_topic(consumer_group(s)), 1, 90 * DAY_MS, description=f"Dead letters of tdi-{s}") for s in SERVICES
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
