"""VTE commands Bpifrance (operator of the VTE) publishes on its ingress topic."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...ids import PartnerReference, TerritoryId, VteContractId
from ...topics import ingress_topics_of
from .aid import BASE, GREEN, BaseAid, GreenTopUp
from .contracts import CONTRACT, TERRITORY, VteContractTerms
from .eligibility import ContractEndReason

INGRESS = ingress_topics_of("vte")
REFERENCE = Field(description="Bpifrance's reference of the record", examples=["BPI-VTE-2024-0099"])


@contract(service="vte", topics=INGRESS, subject="partner_reference", kind="command")
class RecordVteContract(VteContractTerms):
    """Record a signed VTE contract; the platform grants the aid the contract is entitled to."""

    partner_reference: PartnerReference = REFERENCE


@contract(service="vte", topics=INGRESS, subject="vte_contract_id", kind="command")
class EndVteContract(ContractModel):
    """Record the end of a VTE contract."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = TERRITORY
    reason: ContractEndReason = Field(description="Why it ended", examples=["ended-early"])
    ended_on: date = Field(description="Last day of the contract", examples=["2025-03-31"])


@contract(service="vte", topics=INGRESS, subject="vte_contract_id", kind="command")
class RecordVteAidPayment(ContractModel):
    """Record the single payment of a contract's aid; a second one is rejected."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = TERRITORY
    base_cents: BaseAid = BASE
    green_top_up_cents: GreenTopUp = GREEN
    paid_on: date = Field(description="Value date of the payment", examples=["2024-10-01"])
    partner_reference: PartnerReference = REFERENCE
