"""VTE aid events: 4,000 EUR base aid, up to 8,000 EUR green top-up, paid once per contract (12,000 max)."""

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field, Strict

from ...base import ContractModel, contract
from ...ids import PartnerReference, PaymentId, TerritoryId, VteContractId
from ...money import refuse_non_integers
from ...reference.figures import VTE_BASE_AID, VTE_GREEN_TOP_UP_MAX
from ...topics import VTE_CONTRACT
from .contracts import CONTRACT, TERRITORY

BaseAid = Annotated[int, Strict(), Field(ge=0, le=VTE_BASE_AID), BeforeValidator(refuse_non_integers)]
GreenTopUp = Annotated[int, Strict(), Field(ge=0, le=VTE_GREEN_TOP_UP_MAX), BeforeValidator(refuse_non_integers)]
BASE = Field(description="Base aid in euro cents (4,000 EUR at most)", examples=[400_000])
GREEN = Field(description="« VTE vert » top-up in euro cents (8,000 EUR at most)", examples=[800_000])


@contract(service="vte", topics=(VTE_CONTRACT.name,), subject="vte_contract_id")
class VteAidGranted(ContractModel):
    """The base VTE aid was granted to the employer for this contract."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = TERRITORY
    amount_cents: BaseAid = BASE
    granted_on: date = Field(description="Date of the decision", examples=["2024-07-15"])


@contract(service="vte", topics=(VTE_CONTRACT.name,), subject="vte_contract_id")
class VteGreenTopUpGranted(ContractModel):
    """The « VTE vert » top-up was granted for a mission on energy and ecological transition."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = TERRITORY
    amount_cents: GreenTopUp = GREEN
    granted_on: date = Field(description="Date of the decision", examples=["2024-07-15"])


@contract(service="vte", topics=(VTE_CONTRACT.name,), subject="vte_contract_id")
class VteAidPaid(ContractModel):
    """The aid of one contract was paid, once: base plus green top-up, never more than 12,000 EUR."""

    payment_id: PaymentId = Field(description="Id of the payment", examples=["8f9a0b1c-2d3e-4f50-8a6b-7c8d9e0f1a2b"])
    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = TERRITORY
    base_cents: BaseAid = BASE
    green_top_up_cents: GreenTopUp = GREEN
    partner_reference: PartnerReference | None = Field(
        default=None, description="Payment reference of Bpifrance", examples=["BPI-VTE-2024-0099"]
    )
    paid_on: date = Field(description="Value date of the payment", examples=["2024-10-01"])

    def total_cents(self) -> int:
        """Base plus green top-up; at most VTE_MAX_PER_CONTRACT by construction of the two caps."""
        return self.base_cents + self.green_top_up_cents
