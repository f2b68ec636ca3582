"""Who owns a webhook subscription and what it may subscribe to (platform rule, `webhooks/owners.py`): what the owner
reads elsewhere today, nothing more."""

from __future__ import annotations

import pytest

from tdi_contracts.events.funding import GrantCommitted
from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected
from tdi_contracts.reference import Partner
from tdi_contracts.registry import spec_for
from tdi_reporting.webhooks.owners import Owner
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

GRANT, ACCEPTED = spec_for(GrantCommitted).type, spec_for(PartnerEventAccepted).type
REJECTED = spec_for(PartnerEventRejected).type
NATIONAL = Caller.of_token("anct-1", "national")
REGIONAL = Caller.of_token("pref-ge", "regional", region="44")
TERRITORY = Caller.of_token("cdp-reims", "territory", territory="ti-990001")
BPI, ADEME = Caller.of_partner(Partner("bpifrance")), Caller.of_partner(Partner("ademe"))


def test_the_owner_is_the_caller_by_subject_role_and_scope():
    assert Owner.of(REGIONAL) == Owner("regional", "pref-ge", "44")
    assert Owner.of(TERRITORY) == Owner("territory", "cdp-reims", "ti-990001")
    assert Owner.of(BPI) == Owner("partner", "partner:bpifrance", "bpifrance")
    assert Owner.of(NATIONAL) == Owner("national", "anct-1", None)


def test_national_staff_manage_every_subscription_and_others_their_own_only():
    bpi_owned = Owner.of(BPI)
    assert bpi_owned.managed_by(BPI) and bpi_owned.managed_by(NATIONAL)
    assert not bpi_owned.managed_by(ADEME) and not bpi_owned.managed_by(REGIONAL)
    other_region = Owner.of(Caller.of_token("pref-ge", "regional", region="76"))
    assert not other_region.managed_by(REGIONAL)  # the same subject in another region is another owner


@pytest.mark.parametrize(
    ("caller", "allowed", "refused"),
    [
        (NATIONAL, [GRANT, ACCEPTED, "alert"], []),
        (REGIONAL, ["alert"], [GRANT, ACCEPTED]),
        (TERRITORY, ["alert"], [GRANT, ACCEPTED]),
        (BPI, [ACCEPTED, REJECTED], [GRANT, "alert"]),
    ],
)
def test_an_owner_subscribes_only_to_what_it_reads_elsewhere(caller, allowed, refused):
    owner = Owner.of(caller)
    owner.require_types(allowed)
    for event_type in refused:
        with pytest.raises(DomainError) as refusal:
            owner.require_types([*allowed, event_type])
        assert refusal.value.code == "FORBIDDEN" and refusal.value.details["value"] == event_type
