"""VTE contract events: a young talent hired by an industrial PME or ETI located in a territory."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...ids import Siret, TerritoryId, VteContractId
from ...reference import CompanySize
from ...topics import VTE_CONTRACT
from .eligibility import Candidate, ContractEndReason

CONTRACT = Field(description="Id of the VTE contract", examples=["2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809"])
TERRITORY = Field(description="Territory where the employer is located", examples=["ti-8413"])


class VteContractTerms(ContractModel):
    """The terms of a VTE contract: shared by Bpifrance's command and the event that records the signature."""

    territory_id: TerritoryId = TERRITORY
    employer_siret: Siret = Field(description="SIRET of the hiring establishment", examples=["73282932000074"])
    employer_size: CompanySize = Field(description="Size of the employer (PME or ETI)", examples=["pme"])
    candidate: Candidate = Field(
        description="Eligibility facts of the pseudonymised candidate",
        examples=[
            {
                "pseudonym": "c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
                "status": "jeune-diplome",
                "degree_level": "bac+5",
                "graduated_in": "2023-06",
            }
        ],
    )
    green_mission: bool = Field(
        description="True for a mission on energy and ecological transition (« VTE vert »)", examples=[True]
    )
    duration_months: int | None = Field(
        default=None,
        ge=1,
        le=60,
        description="Planned duration; absent for a permanent contract",
        examples=[12],
    )
    starts_on: date = Field(description="First day of the mission", examples=["2024-09-02"])
    signed_on: date = Field(description="Signature date", examples=["2024-07-10"])


@contract(service="vte", topics=(VTE_CONTRACT.name,), subject="vte_contract_id")
class VteContractSigned(VteContractTerms):
    """A VTE contract was signed between a company located in a territory and an eligible candidate."""

    vte_contract_id: VteContractId = CONTRACT


@contract(service="vte", topics=(VTE_CONTRACT.name,), subject="vte_contract_id")
class VteContractEnded(ContractModel):
    """A VTE contract ended."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = TERRITORY
    reason: ContractEndReason = Field(description="Why it ended", examples=["term-reached"])
    ended_on: date = Field(description="Last day of the contract", examples=["2025-09-01"])
