"""A breaking change is a new event version: both versions are registered and decoded side by side."""

from collections.abc import Iterator
from enum import StrEnum

import pytest
from pydantic import Field

from tdi_contracts.base import MODELS, SPECS, ContractModel, contract
from tdi_contracts.envelope import decode_event, encode_event, envelope_for
from tdi_contracts.topics import FUNDING_GRANT

V1 = "fr.territoires-industrie.funding.GrantCommitted.v1"
V2 = "fr.territoires-industrie.funding.GrantCommitted.v3"  # a test-only version (v2 is real)


class Currency(StrEnum):
    EUR = "EUR"


@pytest.fixture
def grant_committed_v2() -> Iterator[type[ContractModel]]:
    class GrantCommittedV2(ContractModel):
        """Version 2 of GrantCommitted (a breaking change: amount in a new shape)."""

        grant_id: str = Field(description="Id", examples=["g-1"])
        territory_id: str = Field(description="Territory", examples=["ti-8413"])
        amount: str = Field(description="Amount as a decimal string", examples=["1200000.00"])
        currency: Currency = Field(description="Currency", examples=["EUR"])

    model = contract(
        service="funding", topics=(FUNDING_GRANT.name,), subject="grant_id", version=3, name="GrantCommitted"
    )(GrantCommittedV2)
    yield model
    del (
        SPECS[V2],
        MODELS[V2],
    )


def test_a_breaking_change_is_a_new_version_served_side_by_side(
    grant_committed_v2: type[ContractModel],
) -> None:
    v2 = grant_committed_v2.model_validate_json(
        '{"grant_id": "g-1", "territory_id": "ti-8413", "amount": "1.00", "currency": "EUR"}'
    )
    envelope = envelope_for(v2, "funding")
    assert envelope.type.endswith("GrantCommitted.v3") and envelope.schema_version == 3
    assert decode_event(*encode_event(envelope, v2)) == (envelope, v2)
    assert V1 in SPECS and V2 in SPECS
