"""Reference data matches the source documents, and topics follow the naming and sizing rules."""

import re

from tdi_contracts.base import SPECS
from tdi_contracts.reference import Axis, Category, Departement, Partner, Programme, Region, categories_of
from tdi_contracts.reference.figures import (
    KNOWN_ENVELOPES,
    VTE_BASE_AID,
    VTE_GREEN_TOP_UP_MAX,
    VTE_MAX_PER_CONTRACT,
    chef_de_projet_cap,
)
from tdi_contracts.topics import (
    ALL_TOPICS,
    DLQ_TOPICS,
    TERRITORY_REFERENCE,
    dlq_topic,
    partner_feedback_topic,
    partner_ingress_topic,
)


def test_there_are_18_regions_and_101_departements_each_in_a_region() -> None:
    assert len(Region) == 18 and len(Departement) == 101
    assert Departement("51").region is Region.GRAND_EST and Departement.MARNE.label == "Marne"
    assert {Departement("2A").region, Departement("2B").region} == {Region.CORSE}
    assert Departement("976").region is Region.MAYOTTE and Region("76").label == "Occitanie"
    assert {d.region for d in Departement} == set(Region)


def test_the_four_axes_hold_the_twelve_categories_of_the_press_kit() -> None:
    assert len(Axis) == 4 and len(Category) == 12
    assert [len(categories_of(a)) for a in Axis] == [3, 2, 3, 4]
    assert Category.GESTION_EAU.actions_at_launch == 54 and Category.GESTION_EAU.axis is Axis.TRANSITION_ECOLOGIQUE


def test_programmes_and_partners_have_slugs_and_french_names() -> None:
    assert {p.value for p in Partner} >= {"bpifrance", "banque-des-territoires", "ademe", "france-travail"}
    for item in [*Partner, *Programme, *Axis, *Category, *Region]:
        assert item.label
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.value) for p in [*Partner, *Programme])


def test_funding_figures_are_those_of_the_sources() -> None:
    assert [chef_de_projet_cap(n) for n in (1, 2, 3, 9)] == [3_000_000, 3_000_000, 4_000_000, 4_000_000]
    assert VTE_BASE_AID + VTE_GREEN_TOP_UP_MAX == VTE_MAX_PER_CONTRACT == 1_200_000
    regional = [e for e in KNOWN_ENVELOPES if e.region is not None]
    assert [(e.region, e.ceiling_cents) for e in regional] == [(Region.GRAND_EST, 790_000_000)]


def test_topic_names_follow_the_platform_scheme() -> None:
    domain = r"tdi\.(territory|actions|funding|vte|reporting)\.[a-z-]+\.v1"
    pattern = domain + r"|tdi\.partner\.[a-z-]+\.(feedback|funding|vte)\.v1"
    for topic in ALL_TOPICS:
        assert re.fullmatch(pattern + r"|tdi\.dlq\.tdi-[a-z]+\.v1", topic.name), topic.name
    assert len({t.name for t in ALL_TOPICS}) == len(ALL_TOPICS)


def test_each_partner_has_an_ingress_and_a_feedback_topic_and_each_group_a_dead_letter_topic() -> None:
    names = {t.name for t in ALL_TOPICS}
    for partner in Partner:
        assert {partner_ingress_topic(partner, "funding"), partner_feedback_topic(partner)} <= names
        assert partner_ingress_topic(partner, "vte") in names
    assert partner_ingress_topic("ademe", "funding") == "tdi.partner.ademe.funding.v1"
    assert [t.name for t in DLQ_TOPICS] == [
        dlq_topic(f"tdi-{s}") for s in ("territory", "actions", "funding", "vte", "reporting")
    ]


def test_partition_counts_stay_modest_and_the_territory_reference_is_compacted() -> None:
    assert all(1 <= t.partitions <= 6 for t in ALL_TOPICS)
    assert TERRITORY_REFERENCE.cleanup_policy == "compact"
    assert TERRITORY_REFERENCE.config() == {
        "cleanup.policy": "compact",
        "retention.ms": "-1",
        "retention.bytes": "-1",
        "segment.bytes": str(16 * 1024 * 1024),
        "max.message.bytes": "1048576",
    }


def test_every_topic_declares_the_largest_record_it_accepts_and_creates_itself_with_it() -> None:
    assert all(0 < t.max_message_bytes <= 1_048_576 for t in ALL_TOPICS)
    assert all(t.config()["max.message.bytes"] == str(t.max_message_bytes) for t in ALL_TOPICS)


def test_every_payload_travels_on_declared_topics_only() -> None:
    names = {t.name for t in ALL_TOPICS}
    assert all(set(spec.topics) <= names and spec.topics for spec in SPECS.values())
