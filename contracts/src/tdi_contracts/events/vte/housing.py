"""Action Logement's housing aid to a young person settling in a territory for a VTE mission: declared by
Action Logement on the contract, recorded by the platform (it is not part of the 12,000 EUR VTE aid)."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...ids import PartnerReference, TerritoryId, VteContractId
from ...money import Cents
from ...topics import VTE_CONTRACT, ingress_topics_of
from .contracts import CONTRACT
from .facts import CONTRACT_REFERENCE

HOUSING_REFERENCE = Field(description="Action Logement's reference of the aid", examples=["AL-MOBILI-2024-0042"])
AMOUNT = Field(description="Amount of the housing aid, in euro cents", examples=[100_000])


@contract(
    service="vte",
    topics=ingress_topics_of("vte"),
    subject="contract_reference",
    key="contract_reference",
    kind="command",
)
class RecordVteHousingAid(ContractModel):
    """Record a housing aid Action Logement granted to the young person of a VTE contract."""

    contract_reference: PartnerReference = CONTRACT_REFERENCE
    housing_aid_reference: PartnerReference = HOUSING_REFERENCE
    amount_cents: Cents = AMOUNT
    granted_on: date = Field(description="Date Action Logement granted it", examples=["2024-09-10"])


@contract(service="vte", topics=(VTE_CONTRACT.name,), subject="vte_contract_id")
class VteHousingAidRecorded(ContractModel):
    """Action Logement's housing aid was recorded on a VTE contract."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId | None = Field(
        default=None, description="Platform territory id, absent outside every territory", examples=[None]
    )
    housing_aid_reference: PartnerReference = HOUSING_REFERENCE
    amount_cents: Cents = AMOUNT
    granted_on: date = Field(description="Date Action Logement granted it", examples=["2024-09-10"])
