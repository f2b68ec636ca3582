"""Use cases of the registers: each one transaction writing the entry and its event (territory topic).

A site or an école is placed by its commune: the vendored COG gives the commune (an alias resolved) and so its
département and region; the territory is the one holding the commune, if any (a site may lie outside, P:599).
The 5-to-10-sites-per-region rule (P:580) is answered as a flag (`sites_flag`), never a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

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
from tdi_contracts.reference import Departement, Region
from tdi_contracts.reference.registers import sites_flag
from tdi_territory.domain_errors import (
    CommuneNotInCogError,
    InvalidPostError,
    PostAlreadyEndedError,
    RebondLaureateAlreadyRecordedError,
    SiteAlreadySelectedError,
    UnknownPostError,
    UnknownSiteError,
)
from tdi_territory.perimeter import store as perimeter_store
from tdi_territory.perimeter.communes import departement_of_commune
from tdi_territory.reference.cog import load_cog
from tdi_territory.registers import commands as c
from tdi_territory.registers import store
from tdi_territory.store import Row
from tdi_territory.use_cases import Changes, UseCases


@dataclass(frozen=True)
class Place:
    """Where a commune code stands: its département, region and territory (None: outside every territory)."""

    departement: str
    region: str
    territory_id: str | None


def region_of_commune(insee: str) -> str | None:
    """The region of a commune code (an alias resolved), from the vendored COG alone (None: not a commune it
    knows; the use case refuses it): what a route checks against the caller's region before anything is written."""
    current = load_cog().current(insee)
    return None if current is None else Departement(departement_of_commune(current[0])).region.value


async def place_of(changes: Changes, insee: str) -> Place:
    current = load_cog().current(insee)
    if current is None:
        message = f"Le code {insee} n'est pas une commune du Code officiel géographique {load_cog().label}."
        raise CommuneNotInCogError(message, details={"field": "commune_insee", "value": insee})
    departement = departement_of_commune(current[0])
    held = await perimeter_store.territory_of_commune(changes.conn, insee)
    return Place(departement, Departement(departement).region.value, held["territory_id"] if held else None)


@dataclass(frozen=True)
class Proposed:
    site_id: UUID
    place: Place
    sites_in_region: int

    @property
    def flag(self) -> str:
        return sites_flag(self.sites_in_region)


async def propose_site(uc: UseCases, cmd: c.ProposeSite) -> Proposed:
    site_id = uuid4()
    async with uc.transaction() as changes:
        place = await place_of(changes, cmd.commune_insee)
        await changes.conn.execute("SELECT pg_advisory_xact_lock(hashtext('sites:' || $1))", place.region)
        values = {**cmd.model_dump(), **place.__dict__, "criteria": [v.value for v in cmd.criteria]}
        values["maturity"] = cmd.maturity.value
        await store.insert_site(changes.conn, site_id, values)
        changes.events.append(
            SiteProposed(
                site_id=site_id,
                region=Region(place.region),
                departement=Departement(place.departement),
                commune_insee=cmd.commune_insee,
                territory_id=place.territory_id,
                name=cmd.name,
                criteria=list(cmd.criteria),
                maturity=cmd.maturity,
                proposed_on=cmd.proposed_on,
                synthetic=cmd.synthetic,
            )
        )
        count = await store.proposed_in_region(changes.conn, place.region)
    return Proposed(site_id, place, count)


async def _site(changes: Changes, site_id: UUID) -> Row:
    row = await store.find_site(changes.conn, site_id)
    if row is None:
        message = f"Le site {site_id} ne figure pas au registre des sites clés en main."
        raise UnknownSiteError(message, details={"field": "site_id", "value": str(site_id)})
    return row


async def site_region(uc: UseCases, site_id: UUID) -> str | None:
    async with uc.pool.acquire() as conn:
        region: str | None = await conn.fetchval("SELECT region FROM sites WHERE id = $1", site_id)
        return region


async def assess_site(uc: UseCases, site_id: UUID, cmd: c.AssessSiteCriteria) -> None:
    async with uc.transaction() as changes:
        site = await _site(changes, site_id)
        await store.update_site(changes.conn, site_id, "criteria", [v.value for v in cmd.criteria])
        changes.events.append(
            SiteCriteriaAssessed(
                site_id=site_id, region=Region(site["region"]), criteria=list(cmd.criteria), assessed_on=cmd.assessed_on
            )
        )


async def change_site_maturity(uc: UseCases, site_id: UUID, cmd: c.ChangeSiteMaturity) -> None:
    async with uc.transaction() as changes:
        site = await _site(changes, site_id)
        await store.update_site(changes.conn, site_id, "maturity", cmd.maturity.value)
        changes.events.append(
            SiteMaturityChanged(
                site_id=site_id, region=Region(site["region"]), maturity=cmd.maturity, changed_on=cmd.changed_on
            )
        )


async def record_site_support(uc: UseCases, site_id: UUID, cmd: c.RecordSiteSupport) -> UUID:
    support_id = uuid4()
    async with uc.transaction() as changes:
        site = await _site(changes, site_id)
        await store.insert_support(
            changes.conn, support_id, site_id, cmd.support.value, cmd.amount_cents, cmd.recorded_on
        )
        changes.events.append(
            SiteSupportRecorded(
                site_id=site_id,
                region=Region(site["region"]),
                support_id=support_id,
                support=cmd.support,
                amount_cents=cmd.amount_cents,
                recorded_on=cmd.recorded_on,
            )
        )
    return support_id


async def select_site(uc: UseCases, site_id: UUID, cmd: c.SelectSite) -> None:
    async with uc.transaction() as changes:
        site = await _site(changes, site_id)
        if site["selected_on"] is not None:
            message = f"Le site « {site['name']} » est retenu depuis le {site['selected_on'].isoformat()}."
            raise SiteAlreadySelectedError(message, details={"field": "site_id", "value": str(site_id)})
        await store.update_site(changes.conn, site_id, "selected_on", cmd.selected_on)
        changes.events.append(SiteSelected(site_id=site_id, region=Region(site["region"]), selected_on=cmd.selected_on))


async def record_ecole(uc: UseCases, cmd: c.RecordEcoleDeProduction) -> tuple[UUID, Place]:
    ecole_id = uuid4()
    async with uc.transaction() as changes:
        place = await place_of(changes, cmd.commune_insee)
        await store.insert_ecole(changes.conn, ecole_id, {**cmd.model_dump(), **place.__dict__})
        changes.events.append(
            EcoleDeProductionRecorded(
                ecole_id=ecole_id,
                region=Region(place.region),
                departement=Departement(place.departement),
                commune_insee=cmd.commune_insee,
                territory_id=place.territory_id,
                name=cmd.name,
                opened_on=cmd.opened_on,
                via_programme=cmd.via_programme,
                synthetic=cmd.synthetic,
            )
        )
    return ecole_id, place


async def record_rebond_laureate(uc: UseCases, any_id: str, cmd: c.RecordRebondLaureate) -> str:
    async with uc.transaction() as changes:
        territory = await uc.territory(changes, any_id)
        if not await store.insert_laureate(changes.conn, territory.id, cmd.laureate_since, cmd.source, cmd.synthetic):
            message = f"Le territoire « {territory.name} » est déjà lauréat de l'AMI Rebond industriel."
            raise RebondLaureateAlreadyRecordedError(message, details={"territory_id": territory.id})
        changes.events.append(
            RebondLaureateRecorded(
                territory_id=territory.id,
                laureate_since=cmd.laureate_since,
                source=cmd.source,
                synthetic=cmd.synthetic,
            )
        )
    return territory.id


async def appoint_regional(uc: UseCases, region: Region, cmd: c.AppointRegionalChefDeProjet) -> UUID:
    post_id = uuid4()
    async with uc.transaction() as changes:
        await store.insert_regional_post(
            changes.conn, post_id, region.value, cmd.employer.value, cmd.appointed_on, cmd.synthetic
        )
        changes.events.append(
            RegionalChefDeProjetAppointed(
                post_id=post_id,
                region=region,
                employer=cmd.employer,
                appointed_on=cmd.appointed_on,
                synthetic=cmd.synthetic,
            )
        )
    return post_id


async def regional_post_region(uc: UseCases, post_id: UUID) -> str | None:
    async with uc.pool.acquire() as conn:
        region: str | None = await conn.fetchval("SELECT region FROM regional_posts WHERE id = $1", post_id)
        return region


async def end_regional(uc: UseCases, post_id: UUID, cmd: c.EndRegionalChefDeProjet) -> str:
    async with uc.transaction() as changes:
        post = await store.find_regional_post(changes.conn, post_id)
        if post is None:
            message = f"Le poste de chef de projet régional {post_id} est inconnu."
            raise UnknownPostError(message, details={"field": "post_id", "value": str(post_id)})
        if post["ended_on"] is not None:
            message = f"Le poste a pris fin le {post['ended_on'].isoformat()} : il ne peut plus être clos."
            raise PostAlreadyEndedError(message)
        if cmd.ended_on < post["appointed_on"]:
            message = f"Le poste ne peut pas finir ({cmd.ended_on}) avant d'avoir commencé ({post['appointed_on']})."
            raise InvalidPostError(message, details={"field": "ended_on"})
        await store.end_regional_post(changes.conn, post_id, cmd.ended_on)
        changes.events.append(
            RegionalChefDeProjetEnded(post_id=post_id, region=Region(post["region"]), ended_on=cmd.ended_on)
        )
    return str(post["region"])
