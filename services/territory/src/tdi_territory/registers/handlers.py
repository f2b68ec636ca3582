"""Handlers of the registers: each writes the entry and its event (territory topic) in the unit of work.

A site or an école is placed by its commune: the vendored COG gives the commune (an alias resolved) and so its
département and region; the territory is the one holding the commune, if any (a site may lie outside, P:599).
The 5-to-10-sites-per-region rule (P:580) is answered as a flag (`sites_flag`), never a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from tdi_contracts.errors import ErrorCode
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
from tdi_runtime.errors import DomainError
from tdi_territory.perimeter import store as perimeter_store
from tdi_territory.perimeter.communes import departement_of_commune
from tdi_territory.reference.cog import load_cog
from tdi_territory.registers import commands as c
from tdi_territory.registers import store
from tdi_territory.repositories import TerritoryUnitOfWork
from tdi_territory.store import Row


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


async def place_of(uow: TerritoryUnitOfWork, insee: str) -> Place:
    """Where the commune is; the caller must reach its region (checked before anything is written)."""
    uow.caller.require_region(region_of_commune(insee))
    current = load_cog().current(insee)
    if current is None:
        detail = f"Le code {insee} n'est pas une commune du Code officiel géographique {load_cog().label}."
        raise DomainError(ErrorCode.COMMUNE_NOT_IN_COG, detail, field="commune_insee", value=insee)
    departement = departement_of_commune(current[0])
    held = await perimeter_store.territory_of_commune(uow.conn, insee)
    return Place(departement, Departement(departement).region.value, held["territory_id"] if held else None)


@dataclass(frozen=True)
class Proposed:
    site_id: UUID
    place: Place
    sites_in_region: int

    @property
    def flag(self) -> str:
        return sites_flag(self.sites_in_region)


async def propose_site(cmd: c.ProposeSite, uow: TerritoryUnitOfWork) -> Proposed:
    return await _propose(uow, uuid4(), cmd)


async def propose_candidacy(command: c.ProposeSiteCandidacy, uow: TerritoryUnitOfWork) -> UUID:
    """A candidacy filed on Démarches simplifiées proposes its site once (its id is the dossier's): the same use
    case as `POST /sites`, plus the dossier's link and state."""
    if await store.find_site(uow.conn, command.site_id) is not None:
        return command.site_id  # proposed once
    await _propose(uow, command.site_id, command.body)
    candidacy = command.candidacy
    await store.set_candidacy(uow.conn, command.site_id, candidacy.reference, candidacy.link)
    await store.set_candidacy_state(uow.conn, command.site_id, candidacy.state.value, candidacy.changed_on)
    return command.site_id


async def record_candidacy_state(command: c.RecordCandidacyState, uow: TerritoryUnitOfWork) -> None:
    """The candidacy's state on DS, kept on its site (platform rule: the register has no event for it)."""
    await _site(uow, command.site_id)
    await store.set_candidacy_state(uow.conn, command.site_id, command.state.value, command.changed_on)


async def _propose(uow: TerritoryUnitOfWork, site_id: UUID, cmd: c.ProposeSite) -> Proposed:
    place = await place_of(uow, cmd.commune_insee)
    await uow.conn.execute("SELECT pg_advisory_xact_lock(hashtext('sites:' || $1))", place.region)
    values = {**cmd.model_dump(), **place.__dict__, "criteria": [v.value for v in cmd.criteria]}
    values["maturity"] = cmd.maturity.value
    await store.insert_site(uow.conn, site_id, values)
    uow.emit(
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
    return Proposed(site_id, place, await store.proposed_in_region(uow.conn, place.region))


async def _site(uow: TerritoryUnitOfWork, site_id: UUID) -> Row:
    """The site, locked; UNKNOWN_SITE (404) when none; the caller must reach its region."""
    row = await store.find_site(uow.conn, site_id)
    if row is None:
        detail = f"Le site {site_id} ne figure pas au registre des sites clés en main."
        raise DomainError(ErrorCode.UNKNOWN_SITE, detail, field="site_id", value=str(site_id))
    uow.caller.require_region(row["region"])
    return row


async def assess_site(command: c.AssessSiteCriteriaOf, uow: TerritoryUnitOfWork) -> None:
    site_id, cmd = command.site_id, command.body
    site = await _site(uow, site_id)
    await store.update_site(uow.conn, site_id, "criteria", [v.value for v in cmd.criteria])
    uow.emit(
        SiteCriteriaAssessed(
            site_id=site_id, region=Region(site["region"]), criteria=list(cmd.criteria), assessed_on=cmd.assessed_on
        )
    )


async def change_site_maturity(command: c.ChangeSiteMaturityOf, uow: TerritoryUnitOfWork) -> None:
    site_id, cmd = command.site_id, command.body
    site = await _site(uow, site_id)
    await store.update_site(uow.conn, site_id, "maturity", cmd.maturity.value)
    uow.emit(
        SiteMaturityChanged(
            site_id=site_id, region=Region(site["region"]), maturity=cmd.maturity, changed_on=cmd.changed_on
        )
    )


async def record_site_support(command: c.RecordSiteSupportOf, uow: TerritoryUnitOfWork) -> UUID:
    site_id, cmd, support_id = command.site_id, command.body, uuid4()
    site = await _site(uow, site_id)
    await store.insert_support(uow.conn, support_id, site_id, cmd.support.value, cmd.amount_cents, cmd.recorded_on)
    uow.emit(
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


async def select_site(command: c.SelectSiteOf, uow: TerritoryUnitOfWork) -> None:
    site_id, cmd = command.site_id, command.body
    site = await _site(uow, site_id)
    if site["selected_on"] is not None:
        detail = f"Le site « {site['name']} » est retenu depuis le {site['selected_on'].isoformat()}."
        raise DomainError(ErrorCode.SITE_ALREADY_SELECTED, detail, field="site_id", value=str(site_id))
    await store.update_site(uow.conn, site_id, "selected_on", cmd.selected_on)
    uow.emit(SiteSelected(site_id=site_id, region=Region(site["region"]), selected_on=cmd.selected_on))


@dataclass(frozen=True)
class Recorded:
    """An école recorded, and where."""

    ecole_id: UUID
    place: Place


async def record_ecole(cmd: c.RecordEcoleDeProduction, uow: TerritoryUnitOfWork) -> Recorded:
    ecole_id = uuid4()
    place = await place_of(uow, cmd.commune_insee)
    await store.insert_ecole(uow.conn, ecole_id, {**cmd.model_dump(), **place.__dict__})
    uow.emit(
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
    return Recorded(ecole_id, place)


async def record_rebond_laureate(command: c.RecordRebondLaureateOf, uow: TerritoryUnitOfWork) -> str:
    cmd = command.body
    territory = await uow.territory(command.territory_id)
    if not await store.insert_laureate(uow.conn, territory.id, cmd.laureate_since, cmd.source, cmd.synthetic):
        detail = f"Le territoire « {territory.name} » est déjà lauréat de l'AMI Rebond industriel."
        raise DomainError(ErrorCode.REBOND_LAUREATE_ALREADY_RECORDED, detail, territory_id=territory.id)
    uow.emit(
        RebondLaureateRecorded(
            territory_id=territory.id, laureate_since=cmd.laureate_since, source=cmd.source, synthetic=cmd.synthetic
        )
    )
    return territory.id


async def appoint_regional(command: c.AppointRegionalChefDeProjetOf, uow: TerritoryUnitOfWork) -> UUID:
    region, cmd, post_id = command.region, command.body, uuid4()
    uow.caller.require_region(region.value)
    await store.insert_regional_post(
        uow.conn, post_id, region.value, cmd.employer.value, cmd.appointed_on, cmd.synthetic
    )
    uow.emit(
        RegionalChefDeProjetAppointed(
            post_id=post_id,
            region=region,
            employer=cmd.employer,
            appointed_on=cmd.appointed_on,
            synthetic=cmd.synthetic,
        )
    )
    return post_id


async def end_regional(command: c.EndRegionalChefDeProjetOf, uow: TerritoryUnitOfWork) -> str:
    post_id, cmd = command.post_id, command.body
    post = await store.find_regional_post(uow.conn, post_id)
    if post is None:
        detail = f"Le poste de chef de projet régional {post_id} est inconnu."
        raise DomainError(ErrorCode.UNKNOWN_CHEF_DE_PROJET_POST, detail, field="post_id", value=str(post_id))
    uow.caller.require_region(post["region"])
    if post["ended_on"] is not None:
        detail = f"Le poste a pris fin le {post['ended_on'].isoformat()} : il ne peut plus être clos."
        raise DomainError(ErrorCode.CHEF_DE_PROJET_POST_ENDED, detail)
    if cmd.ended_on < post["appointed_on"]:
        detail = f"Le poste ne peut pas finir ({cmd.ended_on}) avant d'avoir commencé ({post['appointed_on']})."
        raise DomainError(ErrorCode.INVALID_CHEF_DE_PROJET_POST, detail, field="ended_on")
    await store.end_regional_post(uow.conn, post_id, cmd.ended_on)
    uow.emit(RegionalChefDeProjetEnded(post_id=post_id, region=Region(post["region"]), ended_on=cmd.ended_on))
    return str(post["region"])
