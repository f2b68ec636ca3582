"""Handlers of a territory's governance: binômes élus-industriels and chef de projet posts (shared or not).

Each `(command, uow)`: the territory (or post) is read whole and locked through the unit of work, the caller's
region checked on what was found, the rule run on the aggregate; the kit flushes, announces and commits.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.territory import (
    BinomeAppointed,
    BinomeEnded,
    ChefDeProjetAppointed,
    ChefDeProjetEnded,
    ChefDeProjetShared,
)
from tdi_runtime.errors import DomainError
from tdi_territory import queries
from tdi_territory.commands import (
    AppointChefDeProjetOf,
    Created,
    EndBinomeOf,
    EndChefDeProjetOf,
    RecordBinomeOf,
    ShareChefDeProjetOf,
)
from tdi_territory.domain import Territory
from tdi_territory.governance import store as governance_store
from tdi_territory.governance.domain import Binome
from tdi_territory.repositories import Post, TerritoryUnitOfWork


async def record_binome(command: RecordBinomeOf, uow: TerritoryUnitOfWork) -> Created:
    cmd = command.body
    binome = Binome(
        cmd.elected_mandate,
        cmd.industrial_company,
        cmd.industrial_company_size,
        cmd.industrial_sector,
        appointed_on=cmd.appointed_on,
        synthetic=cmd.synthetic,
    )
    territory = await uow.territory(command.territory_id)
    territory.appoint_binome(binome)
    uow.territories.changed(territory)
    uow.emit(
        BinomeAppointed(
            territory_id=territory.id,
            binome_id=binome.id,
            elected_official_authority=binome.elected_mandate.authority,
            industrialist_company_size=binome.industrial_company_size,
            appointed_on=cmd.appointed_on,
            synthetic=binome.synthetic,
        )
    )
    uow.touch(territory.id)
    return Created(territory.id, binome.id)


async def end_binome(command: EndBinomeOf, uow: TerritoryUnitOfWork) -> Territory:
    """The binôme leaves office; it stays in the territory's history."""
    territory = await uow.territory(command.territory_id)
    territory.end_binome(command.binome_id, command.body.ended_on)
    uow.territories.changed(territory)
    uow.emit(BinomeEnded(territory_id=territory.id, binome_id=command.binome_id, ended_on=command.body.ended_on))
    uow.touch(territory.id)
    return territory


async def appoint_chef_de_projet(command: AppointChefDeProjetOf, uow: TerritoryUnitOfWork) -> Created:
    cmd, post_id = command.body, uuid4()
    territory = await uow.territory(command.territory_id)
    territory.serve_post(post_id)
    employer = (cmd.employer_siren, cmd.employer_authority.value)
    await governance_store.insert_post(uow.conn, post_id, territory.id, employer, cmd.annual_cost_cents, cmd.started_on)
    uow.emit(
        ChefDeProjetAppointed(
            territory_id=territory.id,
            chef_de_projet_id=post_id,
            employer_siren=cmd.employer_siren,
            employer_authority=cmd.employer_authority,
            annual_cost_cents=cmd.annual_cost_cents,
            appointed_on=cmd.started_on,
        )
    )
    uow.touch(territory.id)
    return Created(territory.id, post_id)


async def _post(uow: TerritoryUnitOfWork, post_id: UUID) -> Post:
    """The post, locked; UNKNOWN_CHEF_DE_PROJET_POST (404) when none; the caller must reach the regions of every
    territory it serves."""
    post = await uow.posts.get(post_id)
    if post is None:
        raise DomainError(ErrorCode.UNKNOWN_CHEF_DE_PROJET_POST, field="chef_de_projet_id", value=str(post_id))
    uow.caller.require_region(await queries.post_regions(uow.conn, post_id))
    return post


async def share_chef_de_projet(command: ShareChefDeProjetOf, uow: TerritoryUnitOfWork) -> list[str]:
    """The post also serves the given territories (platform or official ids); those it serves stay."""
    post = await _post(uow, command.post_id)
    post.rule.shared_with(frozenset())  # an ended post is refused before its new territories are looked up
    others = {}
    for any_id in command.body.territory_ids:
        other = await uow.territory(any_id)
        others[other.id] = other
    added = [t for t in others if t not in post.served]
    for territory_id in added:
        others[territory_id].serve_post(post.id)
    await governance_store.add_post_territories(uow.conn, post.id, added, command.body.shared_on)
    if added:
        lead = post.served[0]
        uow.emit(
            ChefDeProjetShared(
                territory_id=lead, chef_de_projet_id=post.id, shared_with=added, shared_on=command.body.shared_on
            )
        )
        for territory_id in [lead, *added]:
            uow.touch(territory_id)
    return [*post.served, *added]


async def end_chef_de_projet(command: EndChefDeProjetOf, uow: TerritoryUnitOfWork) -> list[str]:
    """The post closes; every territory it served hears it (one event each, keyed by that territory)."""
    post = await _post(uow, command.post_id)
    post.rule.ended(command.body.ended_on)
    await governance_store.end_post(uow.conn, post.id, command.body.ended_on)
    for territory_id in post.served:
        uow.emit(
            ChefDeProjetEnded(territory_id=territory_id, chef_de_projet_id=post.id, ended_on=command.body.ended_on)
        )
        uow.touch(territory_id)
    return post.served
