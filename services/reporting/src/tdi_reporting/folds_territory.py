"""Folds of the territory service's binôme events into `rm_binome` (one row per binôme), so the synthetic
binômes in office (the demonstration data's) are counted apart; the rest of the territory map is the kit's
projection of the reference topic."""

from __future__ import annotations

from tdi_contracts.events.territory import BinomeAppointed, BinomeEnded
from tdi_reporting.folding import folds, upsert_sql
from tdi_runtime.handling import HandlerContext

_APPOINTED = upsert_sql("rm_binome", "binome_id", ("territory_id", "synthetic"))
_ENDED = upsert_sql("rm_binome", "binome_id", ("territory_id", "ended_on"))


@folds(BinomeAppointed)
async def binome_appointed(ctx: HandlerContext) -> None:
    p: BinomeAppointed = ctx.payload
    await ctx.defer(_APPOINTED, str(p.binome_id), p.territory_id, p.synthetic)


@folds(BinomeEnded)
async def binome_ended(ctx: HandlerContext) -> None:
    p: BinomeEnded = ctx.payload
    await ctx.defer(_ENDED, str(p.binome_id), p.territory_id, p.ended_on)
