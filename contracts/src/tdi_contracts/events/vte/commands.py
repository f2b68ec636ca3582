"""VTE commands Bpifrance (operator of the VTE) publishes on its ingress topic."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...ids import PartnerReference, Siret, TerritoryId, VteContractId
from ...reference import CompanySize
from ...topics import PARTNER_INGRESS_TOPICS, names
from .aid import BASE, GREEN, BaseAid, GreenTopUp
from .contracts import CONTRACT, TERRITORY
from .eligibility import Candidate, ContractEndReason

INGRESS = names(PARTNER_INGRESS_TOPICS)
REFERENCE = Field(description="Bpifrance's reference of the record", examples=["BPI-VTE-2024-0099"])


@contract(service="vte", topics=INGRESS, subject="partner_reference", kind="command")
class RecordVteContract(ContractModel):
    """Record a signed VTE contract; the platform grants the aid the contract is entitled to."""

    partner_reference: PartnerReference = REFERENCE
    territory_id: TerritoryId = TERRITORY
    employer_siret: Siret = Field(description="SIRET of the hiring establishment", examples=["73282932000074"])
    employer_size: CompanySize = Field(description="Size of the employer (PME or ETI)", examples=["pme"])
    candidate: Candidate = Field(
        description="Eligibility facts of the pseudonymised candidate",
        examples=[
            {
                "pseudonym": "c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
                "status": "etudiant",
                "degree_level": "bac+3",
            }
        ],
    )
    green_mission: bool = Field(description="True for a « VTE vert » mission", examples=[False])
    duration_months: int | None = Field(default=None, ge=1, le=60, description="Planned duration", examples=[12])
    starts_on: date = Field(description="First day of the mission", examples=["2024-09-02"])
    signed_on: date = Field(description="Signature date", examples=["2024-07-10"])


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
