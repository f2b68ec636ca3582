"""Handlers of a territory's perimeter: EPCI join and leave, and the load of the official open data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import asyncpg

from tdi_contracts.events.territory import CommuneAliasKind, CommuneAssigned, CommuneCodeAliased, EpciJoined, EpciLeft
from tdi_contracts.reference import Departement
from tdi_territory.commands import JoinEpciOf, LeaveEpciOf, LoadOpenData
from tdi_territory.domain import Territory
from tdi_territory.label import store as label_store
from tdi_territory.perimeter import store as perimeter_store
from tdi_territory.perimeter.communes import (
    AliasAssignment,
    CommuneAssignment,
    aliases_of,
    commune_epci,
    departement_of_commune,
    epci_communes,
)
from tdi_territory.perimeter.domain import Epci
from tdi_territory.perimeter.open_data_sync import CurrentPerimeter, plan_open_data
from tdi_territory.reference.cog import load_cog
from tdi_territory.reference.open_data import Commune, RejectedRow
from tdi_territory.repositories import TerritoryUnitOfWork


@dataclass(frozen=True)
class Joined:
    """What a join did: the territory, the communes the EPCI brought (None: not in the vendored COG)."""

    territory_id: str
    communes_assigned: int | None


async def join_epci(command: JoinEpciOf, uow: TerritoryUnitOfWork) -> Joined:
    """An EPCI joins the territory with every one of its communes (those no territory holds yet); refused (409)
    while it is in a territory, this one or another."""
    cmd = command.body
    epci = Epci(cmd.siren, cmd.name, cmd.nature_juridique)
    territory = await uow.territory(command.territory_id)
    await _join(uow, territory, epci, cmd.joined_on)
    brought = await bring_communes(uow, territory.id, epci.siren, cmd.joined_on)
    return Joined(territory.id, brought)


async def bring_communes(
    uow: TerritoryUnitOfWork,
    territory_id: str,
    siren: str,
    on: date,
    *,
    spare: frozenset[str] = frozenset(),
    summary: LoadSummary | None = None,
) -> int | None:
    """Every member commune of the EPCI (vendored COG) no territory holds, and not in `spare` (communes the
    national file places elsewhere in the same load), is assigned through it, with its aliases; None: the EPCI
    is not in the COG, so the territory's perimeter stays unknown."""
    members = epci_communes(load_cog(), siren)
    if members is None:
        return None
    held = await perimeter_store.held_communes(uow.conn, [c.insee for c in members])
    new = [c for c in members if c.insee not in held and c.insee not in spare]
    await perimeter_store.assign_epci_communes(uow.conn, territory_id, new, on)
    aliases = await announce_communes(uow, territory_id, new, on)
    if summary is not None:
        summary.aliases_assigned += aliases
    return len(new)


async def announce_communes(
    uow: TerritoryUnitOfWork, territory_id: str, communes: list[CommuneAssignment], on: date, *, known: bool = False
) -> int:
    """`CommuneAssigned` for each commune with an EPCI, then `CommuneCodeAliased` for each of its aliases (those
    not recorded yet, or all of them for communes `known` here already); the number of aliases announced."""
    through = [c for c in communes if c.epci_siren is not None]
    uow.emit(
        *(
            CommuneAssigned(
                territory_id=territory_id,
                commune_insee=c.insee,
                epci_siren=siren,
                departement=Departement(c.departement),
                assigned_on=on,
            )
            for c in through
            if (siren := c.epci_siren) is not None
        )
    )
    insees = [c.insee for c in through]
    if known:
        aliases = await perimeter_store.aliases_of_communes(uow.conn, insees)
    else:
        aliases = await perimeter_store.assign_aliases(uow.conn, aliases_of(load_cog(), insees), on)
    by_insee = {c.insee: c for c in through}
    uow.emit(*(_aliased(territory_id, a, by_insee[a.insee], on) for a in aliases))
    return len(aliases)


def _aliased(territory_id: str, alias: AliasAssignment, commune: CommuneAssignment, on: date) -> CommuneCodeAliased:
    assert commune.epci_siren is not None  # only communes announced through an EPCI bring their aliases
    return CommuneCodeAliased(
        territory_id=territory_id,
        alias_insee=alias.alias,
        commune_insee=alias.insee,
        kind=CommuneAliasKind(alias.kind),
        epci_siren=commune.epci_siren,
        departement=Departement(commune.departement),
        aliased_on=on,
    )


async def _join(uow: TerritoryUnitOfWork, territory: Territory, epci: Epci, on: date) -> None:
    territory.join(epci, await _holder(uow, epci.siren))
    try:
        async with uow.conn.transaction():
            await perimeter_store.join_epci(uow.conn, territory.id, epci, on)
    except asyncpg.UniqueViolationError:  # a concurrent join of the same EPCI committed first: the index guards
        territory.epcis.pop(epci.siren)
        territory.join(epci, await _holder(uow, epci.siren))
        raise
    uow.emit(EpciJoined(territory_id=territory.id, epci_siren=epci.siren, epci_name=epci.name, joined_on=on))
    uow.touch(territory.id)


async def _holder(uow: TerritoryUnitOfWork, siren: str) -> Territory | None:
    holder = await perimeter_store.epci_holder(uow.conn, siren)
    return Territory(holder["territory_id"], holder["name"], (), (), False) if holder else None


async def leave_epci(command: LeaveEpciOf, uow: TerritoryUnitOfWork) -> str:
    territory = await uow.territory(command.territory_id)
    siren, left_on = command.siren, command.body.left_on
    territory.leave(siren)
    await perimeter_store.leave_epci(uow.conn, territory.id, siren, left_on)
    await perimeter_store.unassign_epci_communes(uow.conn, territory.id, siren)  # the projections do too
    uow.emit(EpciLeft(territory_id=territory.id, epci_siren=siren, left_on=left_on))
    uow.touch(territory.id)
    return territory.id


@dataclass
class LoadSummary:
    """What a load of the open data changed, every row it refused (from the files or the database), and the
    notices: rows applied where the file and the vendored COG disagree (the file keeps the last word)."""

    official_ids_set: int = 0
    epci_joined: int = 0
    communes_assigned: int = 0
    communes_without_event: int = 0  # no EPCI known for the commune: the territory has several, none its own
    communes_from_epci: int = 0  # brought by the EPCI joined (vendored COG), beyond the file's
    aliases_assigned: int = 0
    already_applied: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    notices: list[RejectedRow] = field(default_factory=list)


async def load_open_data(command: LoadOpenData, uow: TerritoryUnitOfWork) -> LoadSummary:
    """Apply the validated open data in one transaction; a second run with the same files changes nothing."""
    cog, conn, on = load_cog(), uow.conn, command.on
    await conn.execute("LOCK TABLE epci_memberships, communes IN SHARE ROW EXCLUSIVE MODE")
    current = CurrentPerimeter(
        await label_store.official_ids(conn),
        await perimeter_store.open_memberships(conn),
        await perimeter_store.assigned_communes(conn, "open-data"),
    )
    plan = plan_open_data(command.result, current)
    summary = LoadSummary(already_applied=plan.already_applied, rejected=[*command.result.rejected, *plan.rejected])
    for territory_id, official in plan.official_ids.items():
        await label_store.set_official_id(conn, territory_id, official)
        uow.touch(territory_id)
    placed = {c.insee: t for t, c in plan.communes}
    for territory_id, epci in plan.joins:
        await perimeter_store.join_epci(conn, territory_id, epci, on)
        uow.emit(EpciJoined(territory_id=territory_id, epci_siren=epci.siren, epci_name=epci.name, joined_on=on))
        uow.touch(territory_id)
        spare = frozenset(i for i, t in placed.items() if t != territory_id)
        brought = await bring_communes(uow, territory_id, epci.siren, on, spare=spare, summary=summary)
        if brought is None:
            message = (
                f"L'EPCI « {epci.name} » ({epci.siren}) n'est pas dans le Code officiel géographique"
                f" {cog.label} : ses communes ne sont pas connues, le périmètre du territoire reste inconnu."
            )
            summary.notices.append(RejectedRow("epci", 0, "EPCI_NOT_IN_COG", message))
        summary.communes_from_epci += brought or 0
    await _place_file_communes(uow, plan.communes, on, summary)
    summary.official_ids_set, summary.epci_joined = len(plan.official_ids), len(plan.joins)
    return summary


async def _place_file_communes(
    uow: TerritoryUnitOfWork, communes: list[tuple[str, Commune]], on: date, summary: LoadSummary
) -> None:
    """The national file's communes: each through the EPCI `commune_epci` gives; one an EPCI brought to the same
    territory is confirmed, one it brought to another is moved (the file keeps the last word, flagged)."""
    conn, cog = uow.conn, load_cog()
    epcis: dict[str, list[str]] = {}
    for member, territory_id in sorted((await perimeter_store.open_memberships(conn)).items()):
        epcis.setdefault(territory_id, []).append(member)
    held = await perimeter_store.held_communes(conn, [c.insee for _, c in communes])
    rows, confirmed = [], []
    announced: dict[str, tuple[list[CommuneAssignment], list[CommuneAssignment]]] = {}
    for territory_id, commune in communes:
        holder = held.get(commune.insee)
        if holder is not None and holder["territory_id"] == territory_id:
            confirmed.append(commune.insee)
            summary.already_applied += 1
            continue
        siren, mismatch = commune_epci(cog, commune.insee, epcis.get(territory_id, []))
        assignment = CommuneAssignment(commune.insee, commune.name, departement_of_commune(commune.insee), siren)
        new, moved = announced.setdefault(territory_id, ([], []))
        if holder is not None:  # an EPCI of another territory brought it earlier
            await perimeter_store.reassign_commune(conn, commune.insee, territory_id, siren, on)
            moved.append(assignment)
            message = (
                f"La commune {commune.insee} ({commune.name}) est placée par le fichier national dans le territoire"
                f" {territory_id}, son EPCI la plaçait dans {holder['territory_id']} : le fichier l'emporte."
            )
            summary.notices.append(RejectedRow("communes", 0, "COMMUNE_EPCI_MISMATCH", message))
        else:
            rows.append((commune.insee, commune.name, territory_id, assignment.departement, siren, on))
            new.append(assignment)
            if mismatch:
                message = (
                    f"La commune {commune.insee} ({commune.name}) n'est membre d'aucun EPCI du territoire"
                    f" {territory_id} dans le Code officiel géographique {cog.label} : le fichier l'emporte."
                )
                summary.notices.append(RejectedRow("communes", 0, "COMMUNE_EPCI_MISMATCH", message))
        if siren is None:
            summary.communes_without_event += 1
    await perimeter_store.assign_communes(conn, rows)
    await perimeter_store.confirm_communes(conn, confirmed)
    for territory_id, (new, moved) in announced.items():
        summary.aliases_assigned += await announce_communes(uow, territory_id, new, on)
        summary.aliases_assigned += await announce_communes(uow, territory_id, moved, on, known=True)
    summary.communes_assigned = len(rows) + sum(len(m) for _, m in announced.values())
