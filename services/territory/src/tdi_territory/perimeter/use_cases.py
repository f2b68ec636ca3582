"""Use cases on a territory's perimeter: EPCI join and leave, and the load of the official open data."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import asyncpg

from tdi_contracts.events.territory import CommuneAssigned, EpciJoined, EpciLeft
from tdi_contracts.reference import Departement
from tdi_territory.commands import JoinEpci, LeaveEpci
from tdi_territory.domain import Territory
from tdi_territory.label import store as label_store
from tdi_territory.perimeter import store as perimeter_store
from tdi_territory.perimeter.domain import Epci
from tdi_territory.perimeter.open_data_sync import CurrentPerimeter, departement_of_commune, plan_open_data
from tdi_territory.reference.open_data import OpenDataResult, RejectedRow
from tdi_territory.use_cases import Changes, UseCases


async def join_epci(uc: UseCases, any_id: str, cmd: JoinEpci) -> str:
    """An EPCI joins the territory; refused (409) while it is in a territory, this one or another."""
    epci = Epci(cmd.siren, cmd.name, cmd.nature_juridique)
    async with uc.transaction() as changes:
        territory = await uc.territory(changes, any_id)
        await _join(changes, territory, epci, cmd.joined_on)
    return territory.id


async def _join(changes: Changes, territory: Territory, epci: Epci, on: date) -> None:
    territory.join(epci, await _holder(changes, epci.siren))
    try:
        async with changes.conn.transaction():
            await perimeter_store.join_epci(changes.conn, territory.id, epci, on)
    except asyncpg.UniqueViolationError:  # a concurrent join of the same EPCI committed first: the index guards
        territory.epcis.pop(epci.siren)
        territory.join(epci, await _holder(changes, epci.siren))
        raise
    changes.events.append(
        EpciJoined(territory_id=territory.id, epci_siren=epci.siren, epci_name=epci.name, joined_on=on)
    )
    changes.touch(territory.id)


async def _holder(changes: Changes, siren: str) -> Territory | None:
    holder = await perimeter_store.epci_holder(changes.conn, siren)
    return Territory(holder["territory_id"], holder["name"], (), (), False) if holder else None


async def leave_epci(uc: UseCases, any_id: str, siren: str, cmd: LeaveEpci) -> str:
    async with uc.transaction() as changes:
        territory = await uc.territory(changes, any_id)
        territory.leave(siren)
        await perimeter_store.leave_epci(changes.conn, territory.id, siren, cmd.left_on)
        changes.events.append(EpciLeft(territory_id=territory.id, epci_siren=siren, left_on=cmd.left_on))
        changes.touch(territory.id)
    return territory.id


@dataclass
class LoadSummary:
    """What a load of the open data changed, and every row it refused (from the files or the database)."""

    official_ids_set: int = 0
    epci_joined: int = 0
    communes_assigned: int = 0
    communes_without_event: int = 0  # the territory has no or several EPCI: the commune's EPCI is unknown
    already_applied: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


async def load_open_data(uc: UseCases, result: OpenDataResult, on: date) -> LoadSummary:
    """Apply the validated open data in one transaction; a second run with the same files changes nothing."""
    async with uc.transaction() as changes:
        conn = changes.conn
        await conn.execute("LOCK TABLE epci_memberships, communes IN SHARE ROW EXCLUSIVE MODE")
        current = CurrentPerimeter(
            await label_store.official_ids(conn),
            await perimeter_store.open_memberships(conn),
            await perimeter_store.assigned_communes(conn),
        )
        plan = plan_open_data(result, current)
        summary = LoadSummary(already_applied=plan.already_applied, rejected=[*result.rejected, *plan.rejected])
        for territory_id, official in plan.official_ids.items():
            await label_store.set_official_id(conn, territory_id, official)
            changes.touch(territory_id)
        for territory_id, epci in plan.joins:
            await perimeter_store.join_epci(conn, territory_id, epci, on)
            changes.events.append(
                EpciJoined(territory_id=territory_id, epci_siren=epci.siren, epci_name=epci.name, joined_on=on)
            )
            changes.touch(territory_id)
        epcis = await perimeter_store.open_memberships(conn)
        per_territory = Counter(epcis.values())
        only_epci = {t: s for s, t in epcis.items() if per_territory[t] == 1}
        rows = []
        for territory_id, commune in plan.communes:
            departement = departement_of_commune(commune.insee)
            siren = only_epci.get(territory_id)
            rows.append((commune.insee, commune.name, territory_id, departement, siren, on))
            if siren is None:
                summary.communes_without_event += 1
                continue
            changes.events.append(
                CommuneAssigned(
                    territory_id=territory_id,
                    commune_insee=commune.insee,
                    epci_siren=siren,
                    departement=Departement(departement),
                    assigned_on=on,
                )
            )
        await perimeter_store.assign_communes(conn, rows)
        summary.official_ids_set, summary.epci_joined = len(plan.official_ids), len(plan.joins)
        summary.communes_assigned = len(rows)
    return summary
