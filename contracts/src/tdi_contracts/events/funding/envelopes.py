"""Funding envelope events: a programme's budget, or a programme's regional share, opened and closed."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import UtcDatetime
from ...ids import EnvelopeId
from ...money import Cents
from ...reference import Partner, Programme, Region
from ...topics import FUNDING_ENVELOPE
from . import fields as f


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeOpened(ContractModel):
    """An envelope was opened: grants may be committed against it up to its ceiling, never beyond."""

    envelope_id: EnvelopeId = f.ENVELOPE
    programme: Programme = f.PROGRAMME
    region: Region | None = Field(
        default=None,
        description="Region of a regional share; absent for a national envelope",
        examples=["44"],
    )
    year: int | None = Field(
        default=None, ge=2023, le=2027, description="Budget year, for yearly envelopes", examples=[2024]
    )
    ceiling_cents: Cents = Field(description="Ceiling in euro cents", examples=[790_000_000])
    operator: Partner | None = Field(
        default=None, description="Partner operating the envelope, if not the State", examples=["ademe"]
    )
    opened_on: date = Field(description="Date applications may be committed from", examples=["2024-01-02"])


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeClosed(ContractModel):
    """An envelope was closed: nothing more may be committed against it."""

    envelope_id: EnvelopeId = f.ENVELOPE
    committed_cents: Cents = Field(description="Total committed when it closed", examples=[785_000_000])
    closed_on: date = Field(description="Closing date", examples=["2024-12-31"])


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeBalanceChanged(ContractModel):
    """An envelope's amounts after a commitment, de-commitment or payment (the latest full balance)."""

    envelope_id: EnvelopeId = f.ENVELOPE
    programme: Programme = f.PROGRAMME
    ceiling_cents: Cents = Field(description="Ceiling in euro cents", examples=[790_000_000])
    committed_cents: Cents = Field(description="Committed (AE), in euro cents", examples=[150_000_000])
    paid_cents: Cents = Field(description="Paid (CP), in euro cents", examples=[60_000_000])
    available_cents: Cents = Field(description="Ceiling minus committed, in euro cents", examples=[640_000_000])
    changed_at: UtcDatetime = Field(description="When the balance changed", examples=["2024-03-04T10:00:00Z"])
