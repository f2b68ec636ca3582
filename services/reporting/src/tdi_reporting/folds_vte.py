"""Folds of the vte service's events into `rm_vte_contract` (one row per VTE contract and its aid)."""

from __future__ import annotations

from tdi_contracts.events.vte import (
    VteAidAdjusted,
    VteAidGranted,
    VteAidGrantedV2,
    VteAidPaid,
    VteAidPaymentRequested,
    VteAidRefused,
    VteContractEnded,
    VteContractSigned,
    VteGreenTopUpGranted,
    VteHousingAidRecorded,
)
from tdi_reporting.folding import folds, upsert_sql
from tdi_runtime.handling import HandlerContext

_SIGNED = upsert_sql(
    "rm_vte_contract", "vte_contract_id", ("territory_id", "employer_size", "green_mission", "signed_on")
)
_ENDED = upsert_sql("rm_vte_contract", "vte_contract_id", ("territory_id", "ended_on"))
_BASE = upsert_sql("rm_vte_contract", "vte_contract_id", ("territory_id", "base_granted_cents"))
_GREEN = upsert_sql("rm_vte_contract", "vte_contract_id", ("territory_id", "green_granted_cents"))
_PAID = (
    "INSERT INTO rm_vte_payment (payment_id, vte_contract_id, territory_id, base_cents, green_cents, paid_on)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING"
)
_REQUESTED = (
    "INSERT INTO rm_vte_payment_request (payment_request_id, vte_contract_id, territory_id, funder, part,"
    " amount_cents, requested_on) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (payment_request_id) DO NOTHING"
)
_GRANTED_V2 = upsert_sql(
    "rm_vte_contract", "vte_contract_id", ("territory_id", "employer_size", "granted_on", "synthetic")
)
# The granted amounts of v2 and of adjustments: last writer wins by event time.
_AID = """
INSERT INTO rm_vte_contract (vte_contract_id, territory_id, base_granted_cents, green_granted_cents, aid_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (vte_contract_id) DO UPDATE SET base_granted_cents = excluded.base_granted_cents,
    green_granted_cents = excluded.green_granted_cents, aid_at = excluded.aid_at
WHERE rm_vte_contract.aid_at IS NULL OR rm_vte_contract.aid_at <= excluded.aid_at
"""
# A refusal keeps the territory another event set (a refusal outside every territory carries none).
_REFUSED = (
    "INSERT INTO rm_vte_contract (vte_contract_id, territory_id, refused_on, synthetic) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (vte_contract_id) DO UPDATE SET refused_on = excluded.refused_on, synthetic = excluded.synthetic"
)


@folds(VteContractSigned)
async def contract_signed(ctx: HandlerContext) -> None:
    p: VteContractSigned = ctx.payload
    contract = str(p.vte_contract_id)
    await ctx.defer(_SIGNED, contract, p.territory_id, p.employer_size.value, p.green_mission, p.signed_on)


@folds(VteContractEnded)
async def contract_ended(ctx: HandlerContext) -> None:
    p: VteContractEnded = ctx.payload
    await ctx.defer(_ENDED, str(p.vte_contract_id), p.territory_id, p.ended_on)


@folds(VteAidGranted)
async def aid_granted(ctx: HandlerContext) -> None:
    p: VteAidGranted = ctx.payload
    await ctx.defer(_BASE, str(p.vte_contract_id), p.territory_id, p.amount_cents)


@folds(VteGreenTopUpGranted)
async def green_top_up_granted(ctx: HandlerContext) -> None:
    p: VteGreenTopUpGranted = ctx.payload
    await ctx.defer(_GREEN, str(p.vte_contract_id), p.territory_id, p.amount_cents)


@folds(VteAidPaid)
async def aid_paid(ctx: HandlerContext) -> None:
    p: VteAidPaid = ctx.payload
    contract = str(p.vte_contract_id)
    args = (contract, p.territory_id, p.base_cents, p.green_top_up_cents, p.paid_on)
    await ctx.defer(_PAID, str(p.payment_id), *args)


@folds(VteAidGrantedV2)
async def aid_granted_v2(ctx: HandlerContext) -> None:
    p: VteAidGrantedV2 = ctx.payload
    contract = str(p.vte_contract_id)
    await ctx.defer(_GRANTED_V2, contract, p.territory_id, p.company_size.value, p.granted_on, p.synthetic)
    await ctx.defer(_AID, contract, p.territory_id, p.base_cents, p.green_top_up_cents, ctx.envelope.time)


@folds(VteAidAdjusted)
async def aid_adjusted(ctx: HandlerContext) -> None:
    p: VteAidAdjusted = ctx.payload
    args = (p.territory_id, p.base_cents, p.green_top_up_cents, ctx.envelope.time)
    await ctx.defer(_AID, str(p.vte_contract_id), *args)


@folds(VteAidRefused)
async def aid_refused(ctx: HandlerContext) -> None:
    """A refusal outside every territory has no territory: it counts nationally only."""
    p: VteAidRefused = ctx.payload
    await ctx.defer(_REFUSED, str(p.vte_contract_id), p.territory_id or "", p.refused_on, p.synthetic)


@folds(VteAidPaymentRequested)
async def aid_payment_requested(ctx: HandlerContext) -> None:
    p: VteAidPaymentRequested = ctx.payload
    args = (str(p.vte_contract_id), p.territory_id, p.funder.value, p.part.value, p.amount_cents, p.requested_on)
    await ctx.defer(_REQUESTED, str(p.payment_request_id), *args)


_HOUSING = (
    "INSERT INTO rm_vte_housing_aid (vte_contract_id, housing_aid_reference, territory_id, amount_cents)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (vte_contract_id, housing_aid_reference) DO NOTHING"
)


@folds(VteHousingAidRecorded)
async def housing_aid_recorded(ctx: HandlerContext) -> None:
    p: VteHousingAidRecorded = ctx.payload
    args = (p.housing_aid_reference, p.territory_id or "", p.amount_cents)
    await ctx.defer(_HOUSING, str(p.vte_contract_id), *args)
