"""The broker's ACLs grant no more than the platform's permissions (issue 22 #8, #13): a partner writes only the
ingress topics where it has a command, consumer groups are delimited per partner, the operators re-drive only to
where a re-driven dead letter can be of use. Read from the rules themselves, against `PARTNER_COMMANDS`."""

from tdi_contracts.access import (
    OPS_PRINCIPAL,
    acl_rules,
    ops_rules,
    partner_group_prefix,
    partner_principal,
    partner_rules,
    principals,
)
from tdi_contracts.base import SPECS
from tdi_contracts.permissions import PARTNER_COMMANDS
from tdi_contracts.reference import Partner
from tdi_contracts.topics import (
    DOMAIN_TOPICS,
    INGRESS_SERVICES,
    TERRITORY,
    TERRITORY_REFERENCE,
    dlq_topic,
    partner_ingress_topic,
)


def writes(rules, principal: str) -> set[str]:
    return {r.name for r in rules if r.principal == principal and r.resource == "topic" and r.operation == "write"}


def test_a_partner_may_write_only_the_ingress_topics_where_it_has_a_command() -> None:
    rules = acl_rules()
    for partner in Partner:
        owned = {SPECS[t].service for t in PARTNER_COMMANDS.get(partner, ())}
        expected = {partner_ingress_topic(partner, s) for s in INGRESS_SERVICES if s in owned}
        assert writes(rules, partner_principal(partner)) == expected, partner
    assert writes(rules, partner_principal(Partner.APEC)) == set(), "no command, no write"
    assert writes(rules, partner_principal(Partner.ACTION_LOGEMENT)) == {"tdi.partner.action-logement.vte.v1"}


def test_a_partner_missing_from_the_permissions_gets_no_write_at_all(monkeypatch) -> None:
    import tdi_contracts.access as access

    monkeypatch.setattr(access, "PARTNER_COMMANDS", {p: c for p, c in PARTNER_COMMANDS.items() if p != Partner.ADEME})
    assert writes(partner_rules(Partner.ADEME), partner_principal(Partner.ADEME)) == set()


def test_a_partners_consumer_groups_end_with_a_delimiter_so_no_slug_extending_another_shares_them() -> None:
    groups = [r for r in acl_rules() if r.resource == "group" and r.principal.startswith("User:partner-")]
    assert {r.name for r in groups} == {partner_group_prefix(p) for p in Partner}
    for partner in Partner:
        prefix = partner_group_prefix(partner)
        assert prefix == f"partner-{partner.value}."
        # a partner whose slug extends this one (ademe / ademe-evil) never falls under its prefix
        assert not f"partner-{partner.value}-evil.feedback".startswith(prefix)
        assert not any(partner_group_prefix(o).startswith(prefix) for o in Partner if o != partner)


def test_the_operators_write_back_only_where_a_redriven_dead_letter_is_of_use() -> None:
    ops = writes(ops_rules(), OPS_PRINCIPAL)
    commanded = {partner_ingress_topic(p, SPECS[t].service) for p, types in PARTNER_COMMANDS.items() for t in types}
    assert ops == commanded | {TERRITORY.name}
    assert TERRITORY_REFERENCE.name not in ops, "an old state re-driven would become the latest of its key"
    history_only_reporting_reads = {t.name for t in DOMAIN_TOPICS} - {TERRITORY.name, TERRITORY_REFERENCE.name}
    assert not ops & history_only_reporting_reads, "reporting's dead letters are fixed by a rebuild"
    reads = {r.name for r in ops_rules() if r.operation == "read" and r.resource == "topic"}
    assert all(dlq_topic("tdi-x").startswith(name) for name in reads)
    assert not any(r.resource == "group" for r in ops_rules())
    assert OPS_PRINCIPAL in principals() and set(ops_rules()) <= set(acl_rules())
