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
from tdi_reporting.folding import registry, upsert_sql
from tdi_reporting.repositories import ReportingUnitOfWork

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


@registry.handles(VteContractSigned)
async def contract_signed(p: VteContractSigned, uow: ReportingUnitOfWork) -> None:
    contract = str(p.vte_contract_id)
    await uow.defer(_SIGNED, contract, p.territory_id, p.employer_size.value, p.green_mission, p.signed_on)


@registry.handles(VteContractEnded)
async def contract_ended(p: VteContractEnded, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_ENDED, str(p.vte_contract_id), p.territory_id, p.ended_on)


@registry.handles(VteAidGranted)
async def aid_granted(p: VteAidGranted, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_BASE, str(p.vte_contract_id), p.territory_id, p.amount_cents)


@registry.handles(VteGreenTopUpGranted)
async def green_top_up_granted(p: VteGreenTopUpGranted, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_GREEN, str(p.vte_contract_id), p.territory_id, p.amount_cents)


@registry.handles(VteAidPaid)
async def aid_paid(p: VteAidPaid, uow: ReportingUnitOfWork) -> None:
    contract = str(p.vte_contract_id)
    args = (contract, p.territory_id, p.base_cents, p.green_top_up_cents, p.paid_on)
    await uow.defer(_PAID, str(p.payment_id), *args)


@registry.handles(VteAidGrantedV2)
async def aid_granted_v2(p: VteAidGrantedV2, uow: ReportingUnitOfWork) -> None:
    contract = str(p.vte_contract_id)
    await uow.defer(_GRANTED_V2, contract, p.territory_id, p.company_size.value, p.granted_on, p.synthetic)
    await uow.defer(_AID, contract, p.territory_id, p.base_cents, p.green_top_up_cents, uow.event.time)


@registry.handles(VteAidAdjusted)
async def aid_adjusted(p: VteAidAdjusted, uow: ReportingUnitOfWork) -> None:
    args = (p.territory_id, p.base_cents, p.green_top_up_cents, uow.event.time)
    await uow.defer(_AID, str(p.vte_contract_id), *args)


@registry.handles(VteAidRefused)
async def aid_refused(p: VteAidRefused, uow: ReportingUnitOfWork) -> None:
    """A refusal outside every territory has no territory: it counts nationally only."""
    await uow.defer(_REFUSED, str(p.vte_contract_id), p.territory_id or "", p.refused_on, p.synthetic)


@registry.handles(VteAidPaymentRequested)
async def aid_payment_requested(p: VteAidPaymentRequested, uow: ReportingUnitOfWork) -> None:
    args = (str(p.vte_contract_id), p.territory_id, p.funder.value, p.part.value, p.amount_cents, p.requested_on)
    await uow.defer(_REQUESTED, str(p.payment_request_id), *args)


_HOUSING = (
    "INSERT INTO rm_vte_housing_aid (vte_contract_id, housing_aid_reference, territory_id, amount_cents)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (vte_contract_id, housing_aid_reference) DO NOTHING"
)


@registry.handles(VteHousingAidRecorded)
async def housing_aid_recorded(p: VteHousingAidRecorded, uow: ReportingUnitOfWork) -> None:
    args = (p.housing_aid_reference, p.territory_id or "", p.amount_cents)
    await uow.defer(_HOUSING, str(p.vte_contract_id), *args)
