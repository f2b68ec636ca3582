"""Use cases on the list of territories and their label: the annex at first start, its errata at later starts,
a territory entered after the first start, a label withdrawn."""

from collections.abc import Sequence
from datetime import UTC, datetime

from tdi_contracts.events.territory import TerritoryLabelWithdrawn
from tdi_runtime.events import outgoing
from tdi_territory.announcements import TerritoryState, labelled, reference_updated
from tdi_territory.commands import AddTerritory, WithdrawLabel
from tdi_territory.domain_errors import TerritoryAlreadyListedError
from tdi_territory.label import store as label_store
from tdi_territory.label.domain import new_territory
from tdi_territory.reference.catalogue import ReferenceTerritory
from tdi_territory.use_cases import PRODUCER, UseCases


async def add_territory(uc: UseCases, cmd: AddTerritory) -> str:
    """The territory joins the list; its TerritoryLabelled and first reference state go out with the commit."""
    territory = new_territory(cmd.name, [d.value for d in cmd.departements], cmd.official_id)
    async with uc.transaction() as changes:
        await changes.conn.execute("LOCK TABLE territories IN SHARE ROW EXCLUSIVE MODE")  # one entry per name
        listed = await label_store.holder_of_name_or_official_id(changes.conn, territory)
        if listed is not None:
            same = "l'identifiant officiel" if listed["official_id"] == territory.official_id else "le nom"
            message = f"Le territoire « {listed['name']} » ({listed['id']}) porte déjà {same} demandé."
            raise TerritoryAlreadyListedError(message, details={"territory_id": listed["id"]})
        await label_store.insert_territory(changes.conn, territory, cmd.labelled_on)
        changes.touch(territory.id)
    return territory.id


async def withdraw_label(uc: UseCases, any_id: str, cmd: WithdrawLabel) -> str:
    """`labelled` turns false on the reference topic; the territory's rows and events stay as they were."""
    async with uc.transaction() as changes:
        territory = await uc.territory(changes, any_id)
        territory.withdraw_label(cmd.withdrawn_on)
        await label_store.withdraw_label(changes.conn, territory.id, cmd.withdrawn_on)
        changes.events.append(TerritoryLabelWithdrawn(territory_id=territory.id, withdrawn_on=cmd.withdrawn_on))
        changes.touch(territory.id)
    return territory.id


async def publish_reference_if_empty(uc: UseCases, reference: Sequence[ReferenceTerritory]) -> int:
    """First start: every territory of the annex, announced on the reference topic; later starts: nothing."""
    async with uc.pool.acquire() as conn, conn.transaction():
        # Replicas starting together: one publishes, the others wait here and then find the table filled.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':reference'))")
        if await label_store.territory_count(conn):
            return 0
        await label_store.insert_reference(conn, reference)
        now = datetime.now(UTC)
        states = [
            TerritoryState(t.id, t.official_id, t.name, t.departements, t.regions, True, 1, (), 0, (), now)
            for t in reference
        ]
        await conn.execute("UPDATE territories SET label_announced = true")
        announced = [labelled(s) for s in states] + [reference_updated(s) for s in states]
        await uc.outbox.add(conn, [outgoing(p, PRODUCER) for p in announced])
        return len(states)


async def correct_reference(uc: UseCases, reference: Sequence[ReferenceTerritory]) -> list[str]:
    """A database seeded before an erratum of the annex gets it at the next start, with a new revision."""
    async with uc.transaction() as changes:
        await changes.conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':reference'))")
        held = await label_store.reference_rows(changes.conn)
        for t in reference:
            row = held.get(t.id)
            if row is not None and (row["name"], tuple(row["departements"])) != (t.name, t.departements):
                await label_store.correct_reference(changes.conn, t)
                changes.touch(t.id)
    return changes.touched
