"""Money-ledger events: the State's transfers to the operators it funds, and the explanation of a ledger gap."""

import re
from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from ...base import ContractModel, contract
from ...fields import FrenchSentence
from ...ids import EnvelopeId, PartnerReference
from ...money import Cents
from ...reference import Partner, Programme
from ...topics import FUNDING_ENVELOPE

GAP_REFERENCE_PATTERN = r"^G-[A-Z2-7]{16}$"
GapReference = Annotated[str, StringConstraints(pattern=GAP_REFERENCE_PATTERN)]
"""A gap of the money ledger as reporting names it (`G-` and 16 base32 characters), stable while its cause lasts."""
GAP_REFERENCE = re.compile(GAP_REFERENCE_PATTERN)


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="transfer_id", key="programme")
class StateTransferMade(ContractModel):
    """The State transferred crédits de paiement to an operator for a programme it operates (e.g. to Bpifrance its
    share of the VTE aids of a year), so that the operator pays the beneficiaries out of them."""

    transfer_id: UUID = Field(description="Id of the transfer", examples=["3b2f7c1e-0d4a-4e8b-9c61-2f5a7d9e0b13"])
    programme: Programme = Field(description="Programme the money is for", examples=["vte"])
    operator: Partner = Field(description="Operator that received it", examples=["bpifrance"])
    envelope_id: EnvelopeId | None = Field(
        default=None, description="Envelope it is drawn on, when the programme has one", examples=[None]
    )
    budget_year: int = Field(ge=2023, le=2027, description="Budget year of the crédits de paiement", examples=[2024])
    amount_cents: Cents = Field(description="Amount transferred, in euro cents", examples=[60_000_000])
    transferred_on: date = Field(description="Value date of the transfer", examples=["2024-12-16"])
    reference: PartnerReference | None = Field(
        default=None, description="The State's payment reference (e.g. its Chorus number)", examples=["CHORUS-2024-77"]
    )


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="gap_reference", key="gap_reference")
class LedgerGapExplained(ContractModel):
    """Staff explained a gap of the money ledger (a payment awaited, a payout without commitment, an amount that
    differs): reporting's `reconcile` no longer counts it as unexplained."""

    gap_reference: GapReference = Field(description="The gap, as the ledger names it", examples=["G-ABCDEFGHIJKLMNOP"])
    explanation: FrenchSentence = Field(
        description="Why the gap is expected, in French (no name nor e-mail)",
        examples=["Avance versée à Bpifrance avant les versements de l'année, convention du 2 février 2024."],
    )
    explained_on: date = Field(description="Date of the explanation", examples=["2025-01-15"])
