"""Folds of the territory service's binôme events into `rm_binome` (one row per binôme), so the synthetic
binômes in office (the demonstration data's) are counted apart; the rest of the territory map is the kit's
projection of the reference topic."""

from __future__ import annotations

from tdi_contracts.events.territory import BinomeAppointed, BinomeEnded
from tdi_reporting.folding import registry, upsert_sql
from tdi_reporting.repositories import ReportingUnitOfWork

_APPOINTED = upsert_sql("rm_binome", "binome_id", ("territory_id", "synthetic"))
_ENDED = upsert_sql("rm_binome", "binome_id", ("territory_id", "ended_on"))


@registry.handles(BinomeAppointed)
async def binome_appointed(p: BinomeAppointed, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_APPOINTED, str(p.binome_id), p.territory_id, p.synthetic)


@registry.handles(BinomeEnded)
async def binome_ended(p: BinomeEnded, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_ENDED, str(p.binome_id), p.territory_id, p.ended_on)
