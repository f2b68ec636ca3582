"""Handlers of the list of territories and their label: the annex at first start, its errata at later starts, a
territory entered after the first start, a label withdrawn."""

from __future__ import annotations

from datetime import UTC, datetime

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.territory import TerritoryLabelWithdrawn
from tdi_runtime.errors import DomainError
from tdi_territory.announcements import TerritoryState, labelled, reference_updated
from tdi_territory.commands import AddTerritory, CorrectReference, PublishReference, WithdrawLabelOf
from tdi_territory.label import store as label_store
from tdi_territory.label.domain import new_territory
from tdi_territory.repositories import TerritoryUnitOfWork

_REFERENCE_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':reference'))"


async def add_territory(cmd: AddTerritory, uow: TerritoryUnitOfWork) -> str:
    """The territory joins the list; its TerritoryLabelled and first reference state go out with the commit."""
    uow.caller.require_region([d.region.value for d in cmd.departements])
    territory = new_territory(cmd.name, [d.value for d in cmd.departements], cmd.official_id)
    await uow.conn.execute("LOCK TABLE territories IN SHARE ROW EXCLUSIVE MODE")  # one entry per name
    listed = await label_store.holder_of_name_or_official_id(uow.conn, territory)
    if listed is not None:
        same = "l'identifiant officiel" if listed["official_id"] == territory.official_id else "le nom"
        message = f"Le territoire « {listed['name']} » ({listed['id']}) porte déjà {same} demandé."
        raise DomainError(ErrorCode.TERRITORY_ALREADY_LISTED, message, territory_id=listed["id"])
    await label_store.insert_territory(uow.conn, territory, cmd.labelled_on)
    uow.touch(territory.id)
    return territory.id


async def withdraw_label(command: WithdrawLabelOf, uow: TerritoryUnitOfWork) -> str:
    """`labelled` turns false on the reference topic; the territory's rows and events stay as they were."""
    territory = await uow.territory(command.territory_id)
    territory.withdraw_label(command.body.withdrawn_on)
    uow.territories.changed(territory)
    uow.emit(TerritoryLabelWithdrawn(territory_id=territory.id, withdrawn_on=command.body.withdrawn_on))
    uow.touch(territory.id)
    return territory.id


async def publish_reference_if_empty(command: PublishReference, uow: TerritoryUnitOfWork) -> int:
    """First start: every territory of the annex, announced on the reference topic; later starts: nothing."""
    # Replicas starting together: one publishes, the others wait here and then find the table filled.
    await uow.conn.execute(_REFERENCE_LOCK)
    if await label_store.territory_count(uow.conn):
        return 0
    await label_store.insert_reference(uow.conn, command.reference)
    now = datetime.now(UTC)
    states = [
        TerritoryState(t.id, t.official_id, t.name, t.departements, t.regions, True, 1, (), 0, (), now)
        for t in command.reference
    ]
    await uow.conn.execute("UPDATE territories SET label_announced = true")
    uow.emit(*[labelled(s) for s in states], *[reference_updated(s) for s in states])
    return len(states)


async def correct_reference(command: CorrectReference, uow: TerritoryUnitOfWork) -> list[str]:
    """A database seeded before an erratum of the annex gets it at the next start, with a new revision."""
    await uow.conn.execute(_REFERENCE_LOCK)
    held = await label_store.reference_rows(uow.conn)
    corrected = []
    for t in command.reference:
        row = held.get(t.id)
        if row is not None and (row["name"], tuple(row["departements"])) != (t.name, t.departements):
            await label_store.correct_reference(uow.conn, t)
            uow.touch(t.id)
            corrected.append(t.id)
    return corrected
