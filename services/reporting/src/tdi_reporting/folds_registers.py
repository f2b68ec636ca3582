"""Folds of the territory service's registers (issue 24) into `rm_site` (and `rm_site_support`),
`rm_ecole_de_production`, `rm_rebond_laureate`, `rm_regional_post`: one row per entry, each event setting only its
own columns."""

from __future__ import annotations

from tdi_contracts.events.territory import (
    EcoleDeProductionRecorded,
    RebondLaureateRecorded,
    RegionalChefDeProjetAppointed,
    RegionalChefDeProjetEnded,
    SiteCriteriaAssessed,
    SiteMaturityChanged,
    SiteProposed,
    SiteSelected,
    SiteSupportRecorded,
)
from tdi_reporting.folding import folds, upsert_sql
from tdi_runtime.handling import HandlerContext

_SITE = upsert_sql(
    "rm_site",
    "site_id",
    ("region", "departement", "territory_id", "criteria", "maturity", "proposed_on", "synthetic"),
)
_CRITERIA = upsert_sql("rm_site", "site_id", ("region", "criteria"))
_MATURITY = upsert_sql("rm_site", "site_id", ("region", "maturity"))
_SELECTED = upsert_sql("rm_site", "site_id", ("region", "selected_on"))
_SUPPORT = upsert_sql("rm_site_support", "support_id", ("site_id", "support", "amount_cents"))
_ECOLE = upsert_sql(
    "rm_ecole_de_production",
    "ecole_id",
    ("region", "departement", "territory_id", "opened_on", "via_programme", "synthetic"),
)
_LAUREATE = upsert_sql("rm_rebond_laureate", "territory_id", ("laureate_since", "synthetic"))
_APPOINTED = upsert_sql("rm_regional_post", "post_id", ("region", "appointed_on", "synthetic"))
_ENDED = upsert_sql("rm_regional_post", "post_id", ("region", "ended_on"))


@folds(SiteProposed)
async def site_proposed(ctx: HandlerContext) -> None:
    p: SiteProposed = ctx.payload
    criteria = [c.value for c in p.criteria]
    await ctx.defer(
        _SITE,
        str(p.site_id),
        p.region.value,
        p.departement.value,
        p.territory_id,
        criteria,
        p.maturity.value,
        p.proposed_on,
        p.synthetic,
    )


@folds(SiteCriteriaAssessed)
async def site_criteria_assessed(ctx: HandlerContext) -> None:
    p: SiteCriteriaAssessed = ctx.payload
    await ctx.defer(_CRITERIA, str(p.site_id), p.region.value, [c.value for c in p.criteria])


@folds(SiteMaturityChanged)
async def site_maturity_changed(ctx: HandlerContext) -> None:
    p: SiteMaturityChanged = ctx.payload
    await ctx.defer(_MATURITY, str(p.site_id), p.region.value, p.maturity.value)


@folds(SiteSelected)
async def site_selected(ctx: HandlerContext) -> None:
    p: SiteSelected = ctx.payload
    await ctx.defer(_SELECTED, str(p.site_id), p.region.value, p.selected_on)


@folds(SiteSupportRecorded)
async def site_support_recorded(ctx: HandlerContext) -> None:
    p: SiteSupportRecorded = ctx.payload
    await ctx.defer(_SUPPORT, str(p.support_id), str(p.site_id), p.support.value, p.amount_cents)


@folds(EcoleDeProductionRecorded)
async def ecole_recorded(ctx: HandlerContext) -> None:
    p: EcoleDeProductionRecorded = ctx.payload
    values = (p.region.value, p.departement.value, p.territory_id, p.opened_on, p.via_programme, p.synthetic)
    await ctx.defer(_ECOLE, str(p.ecole_id), *values)


@folds(RebondLaureateRecorded)
async def rebond_laureate_recorded(ctx: HandlerContext) -> None:
    p: RebondLaureateRecorded = ctx.payload
    await ctx.defer(_LAUREATE, p.territory_id, p.laureate_since, p.synthetic)


@folds(RegionalChefDeProjetAppointed)
async def regional_appointed(ctx: HandlerContext) -> None:
    p: RegionalChefDeProjetAppointed = ctx.payload
    await ctx.defer(_APPOINTED, str(p.post_id), p.region.value, p.appointed_on, p.synthetic)


@folds(RegionalChefDeProjetEnded)
async def regional_ended(ctx: HandlerContext) -> None:
    p: RegionalChefDeProjetEnded = ctx.payload
    await ctx.defer(_ENDED, str(p.post_id), p.region.value, p.ended_on)
