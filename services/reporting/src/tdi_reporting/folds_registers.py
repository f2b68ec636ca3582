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
from tdi_reporting.folding import registry, upsert_sql
from tdi_reporting.repositories import ReportingUnitOfWork

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


@registry.handles(SiteProposed)
async def site_proposed(p: SiteProposed, uow: ReportingUnitOfWork) -> None:
    criteria = [c.value for c in p.criteria]
    await uow.defer(
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


@registry.handles(SiteCriteriaAssessed)
async def site_criteria_assessed(p: SiteCriteriaAssessed, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_CRITERIA, str(p.site_id), p.region.value, [c.value for c in p.criteria])


@registry.handles(SiteMaturityChanged)
async def site_maturity_changed(p: SiteMaturityChanged, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_MATURITY, str(p.site_id), p.region.value, p.maturity.value)


@registry.handles(SiteSelected)
async def site_selected(p: SiteSelected, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_SELECTED, str(p.site_id), p.region.value, p.selected_on)


@registry.handles(SiteSupportRecorded)
async def site_support_recorded(p: SiteSupportRecorded, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_SUPPORT, str(p.support_id), str(p.site_id), p.support.value, p.amount_cents)


@registry.handles(EcoleDeProductionRecorded)
async def ecole_recorded(p: EcoleDeProductionRecorded, uow: ReportingUnitOfWork) -> None:
    values = (p.region.value, p.departement.value, p.territory_id, p.opened_on, p.via_programme, p.synthetic)
    await uow.defer(_ECOLE, str(p.ecole_id), *values)


@registry.handles(RebondLaureateRecorded)
async def rebond_laureate_recorded(p: RebondLaureateRecorded, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_LAUREATE, p.territory_id, p.laureate_since, p.synthetic)


@registry.handles(RegionalChefDeProjetAppointed)
async def regional_appointed(p: RegionalChefDeProjetAppointed, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_APPOINTED, str(p.post_id), p.region.value, p.appointed_on, p.synthetic)


@registry.handles(RegionalChefDeProjetEnded)
async def regional_ended(p: RegionalChefDeProjetEnded, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_ENDED, str(p.post_id), p.region.value, p.ended_on)
