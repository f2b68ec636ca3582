"""Use cases on a territory's governance: binômes élus-industriels and chef de projet posts (shared or not)."""

from uuid import UUID, uuid4

from tdi_contracts.events.territory import (
    BinomeAppointed,
    BinomeEnded,
    ChefDeProjetAppointed,
    ChefDeProjetEnded,
    ChefDeProjetShared,
)
from tdi_territory.commands import AppointChefDeProjet, EndBinome, EndChefDeProjet, RecordBinome, ShareChefDeProjet
from tdi_territory.domain_errors import UnknownPostError
from tdi_territory.governance import store as governance_store
from tdi_territory.governance.domain import Binome, ChefDeProjetPost
from tdi_territory.use_cases import Changes, UseCases


async def record_binome(uc: UseCases, any_id: str, cmd: RecordBinome) -> tuple[str, UUID]:
    binome = Binome(
        cmd.elected_mandate,
        cmd.industrial_company,
        cmd.industrial_company_size,
        cmd.industrial_sector,
        appointed_on=cmd.appointed_on,
        synthetic=cmd.synthetic,
    )
    async with uc.transaction() as changes:
        territory = await uc.territory(changes, any_id)
        territory.appoint_binome(binome)
        await governance_store.insert_binome(changes.conn, territory.id, binome)
        changes.events.append(
            BinomeAppointed(
                territory_id=territory.id,
                binome_id=binome.id,
                elected_official_authority=binome.elected_mandate.authority,
                industrialist_company_size=binome.industrial_company_size,
                appointed_on=cmd.appointed_on,
                synthetic=binome.synthetic,
            )
        )
        changes.touch(territory.id)
    return territory.id, binome.id


async def end_binome(uc: UseCases, any_id: str, binome_id: UUID, cmd: EndBinome) -> str:
    """The binôme leaves office; it stays in the territory's history."""
    async with uc.transaction() as changes:
        territory = await uc.territory(changes, any_id)
        territory.end_binome(binome_id, cmd.ended_on)
        await governance_store.end_binome(changes.conn, binome_id, cmd.ended_on)
        changes.events.append(BinomeEnded(territory_id=territory.id, binome_id=binome_id, ended_on=cmd.ended_on))
        changes.touch(territory.id)
    return territory.id


async def appoint_chef_de_projet(uc: UseCases, any_id: str, cmd: AppointChefDeProjet) -> tuple[str, UUID]:
    post_id = uuid4()
    async with uc.transaction() as changes:
        territory = await uc.territory(changes, any_id)
        territory.serve_post(post_id)
        employer = (cmd.employer_siren, cmd.employer_authority.value)
        await governance_store.insert_post(
            changes.conn, post_id, territory.id, employer, cmd.annual_cost_cents, cmd.started_on
        )
        changes.events.append(
            ChefDeProjetAppointed(
                territory_id=territory.id,
                chef_de_projet_id=post_id,
                employer_siren=cmd.employer_siren,
                employer_authority=cmd.employer_authority,
                annual_cost_cents=cmd.annual_cost_cents,
                appointed_on=cmd.started_on,
            )
        )
        changes.touch(territory.id)
    return territory.id, post_id


async def _post(changes: Changes, post_id: UUID) -> tuple[ChefDeProjetPost, list[str]]:
    found = await governance_store.find_post(changes.conn, post_id)
    if found is None:
        message = f"Le poste de chef de projet {post_id} est inconnu."
        raise UnknownPostError(message, details={"field": "chef_de_projet_id", "value": str(post_id)})
    row, served = found
    return ChefDeProjetPost(frozenset(served), row["started_on"], row["ended_on"]), served


async def share_chef_de_projet(uc: UseCases, post_id: UUID, cmd: ShareChefDeProjet) -> list[str]:
    """The post also serves the given territories (platform or official ids); those it serves stay."""
    async with uc.transaction() as changes:
        post, served = await _post(changes, post_id)
        post.shared_with(frozenset())  # an ended post is refused before its new territories are looked up
        others = {}
        for any_id in cmd.territory_ids:
            other = await uc.territory(changes, any_id)
            others[other.id] = other
        added = [t for t in others if t not in served]
        for territory_id in added:
            others[territory_id].serve_post(post_id)
        await governance_store.add_post_territories(changes.conn, post_id, added, cmd.shared_on)
        if added:
            lead = served[0]
            changes.events.append(
                ChefDeProjetShared(
                    territory_id=lead, chef_de_projet_id=post_id, shared_with=added, shared_on=cmd.shared_on
                )
            )
            for territory_id in [lead, *added]:
                changes.touch(territory_id)
    return [*served, *added]


async def end_chef_de_projet(uc: UseCases, post_id: UUID, cmd: EndChefDeProjet) -> list[str]:
    """The post closes; every territory it served hears it (one event each, keyed by that territory)."""
    async with uc.transaction() as changes:
        post, served = await _post(changes, post_id)
        post.ended(cmd.ended_on)
        await governance_store.end_post(changes.conn, post_id, cmd.ended_on)
        for territory_id in served:
            changes.events.append(
                ChefDeProjetEnded(territory_id=territory_id, chef_de_projet_id=post_id, ended_on=cmd.ended_on)
            )
            changes.touch(territory_id)
    return served
