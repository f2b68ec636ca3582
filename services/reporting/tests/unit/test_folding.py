"""Every domain event type of the contracts is folded or knowingly passed over; folds are registered once."""

from __future__ import annotations

from tdi_contracts.base import SPECS
from tdi_contracts.topics import DOMAIN_TOPICS
from tdi_reporting.handlers import registry_for

PASSED_OVER = {
    "fr.territoires-industrie.reporting.IndicatorsPublished.v1",
    "fr.territoires-industrie.reporting.IndicatorsPublished.v2",
    # Issue 24: an avis is a line of the dossier's history (the funding service's detail); a ceiling set or a
    # balance released comes with the envelope's EnvelopeBalanceChanged.v2, which carries the amounts; a declared
    # programme's label (the catalogue's declared ones are known, others show their code).
    "fr.territoires-industrie.funding.ApplicationOpinionRecorded.v1",
    "fr.territoires-industrie.funding.EnvelopeCeilingFixed.v1",
    "fr.territoires-industrie.funding.EnvelopeBalanceReleased.v1",
    "fr.territoires-industrie.funding.ProgrammeDeclared.v1",
}
"""Domain events the read models do not need (the territory events are summed up by the reference topic)."""


def test_every_event_on_a_domain_topic_has_a_fold_or_is_knowingly_passed_over():
    folded = registry_for().types
    domain = {t.name for t in DOMAIN_TOPICS}
    on_domain_topics = {
        event_type
        for event_type, spec in SPECS.items()
        if spec.kind == "event" and set(spec.topics) & domain and spec.service != "territory"
    }
    missing = on_domain_topics - folded - PASSED_OVER
    assert not missing, f"event types with no fold: {sorted(missing)}"


def test_the_territory_map_comes_from_the_reference_topic():
    assert "fr.territoires-industrie.territory.TerritoryReferenceUpdated.v1" in registry_for().types


def test_a_later_definition_replaces_only_the_folds_it_registers():
    from tdi_contracts.events.funding import GrantCommitted, PaymentMade
    from tdi_contracts.registry import spec_for
    from tdi_reporting import folding
    from tdi_reporting.repositories import ReportingUnitOfWork

    @folding.definition(9).handles(GrantCommitted)
    async def other_grant_fold(p: GrantCommitted, uow: ReportingUnitOfWork) -> None:
        raise AssertionError("never run")

    try:
        nine, one = registry_for(9), registry_for(1)
        grant, payment = spec_for(GrantCommitted).type, spec_for(PaymentMade).type
        assert nine.for_type(grant).handler is other_grant_fold  # type: ignore[union-attr]
        assert one.for_type(grant).handler is not other_grant_fold  # type: ignore[union-attr]
        assert nine.for_type(payment).handler is one.for_type(payment).handler  # type: ignore[union-attr]
        assert nine.types == one.types
    finally:
        del folding.DEFINITIONS[9]
