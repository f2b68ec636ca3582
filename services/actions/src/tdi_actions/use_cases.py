"""The use cases of the actions service: each is ONE transaction writing the fiches and their events (outbox)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg

from tdi_actions import store
from tdi_actions.commands import CreateFiche, MoveFiche, ReviseFiche
from tdi_actions.domain import FicheAction, natural_key
from tdi_actions.domain_errors import FicheActionAlreadyExistsError, UnknownFicheActionError, UnknownTerritoryError
from tdi_runtime.db import Connection
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import Outbox
from tdi_runtime.territories import TerritoryRef, find_territory

PRODUCER = "actions"


async def territory(conn: Connection, any_id: str) -> TerritoryRef:
    """A territory known from the territory service's events (platform or official id), else UNKNOWN_TERRITORY."""
    ref = await find_territory(conn, any_id)
    if ref is None:
        message = f"Le territoire « {any_id} » ne figure pas dans la liste des Territoires d'industrie connus."
        raise UnknownTerritoryError(message, details={"field": "territory_id", "value": any_id})
    return ref


class UseCases:
    """The pool and the outbox; `saving` opens the one transaction of a use case and saves what it changed."""

    def __init__(self, pool: asyncpg.Pool, outbox: Outbox) -> None:
        self.pool = pool
        self.outbox = outbox

    @contextlib.asynccontextmanager
    async def saving(self) -> AsyncIterator[tuple[Connection, list[tuple[FicheAction, str]]]]:
        """Yields the connection and a list to put (fiche, natural key) in; on exit saves them and their events."""
        async with self.pool.acquire() as conn, conn.transaction():
            changed: list[tuple[FicheAction, str]] = []
            yield conn, changed
            try:
                await store.save_all(conn, changed)
            except asyncpg.UniqueViolationError as race:  # a concurrent request created the same fiche first
                message = "Une autre requête vient de créer la même fiche action : rien n'a été enregistré, réessayez."
                raise FicheActionAlreadyExistsError(message, details={"field": "natural_key"}) from race
            events = [e for fiche, _ in changed for e in fiche.events]
            await self.outbox.add(conn, [outgoing(e, PRODUCER) for e in events])

    async def fiche(self, conn: Connection, fiche_id: UUID) -> tuple[FicheAction, str]:
        fiche, key = await store.load(conn, fiche_id), await store.key_of(conn, fiche_id)
        if fiche is None or key is None:
            message = f"La fiche action {fiche_id} est inconnue."
            raise UnknownFicheActionError(message, details={"field": "fiche_action_id", "value": str(fiche_id)})
        return fiche, key

    async def create(self, cmd: CreateFiche) -> FicheAction:
        async with self.saving() as (conn, changed):
            ref = await territory(conn, cmd.territory_id)
            key = natural_key(ref.territory_id, cmd.external_reference, cmd.title)
            existing = await store.load_by_keys(conn, [key])
            if existing:
                raise duplicate(existing[key])
            fiche = FicheAction.propose(
                uuid4(), ref.territory_id, ref.labelled, cmd.details(), tuple(cmd.categories),
                cmd.estimated_cost_cents, cmd.proposed_on,
                external_reference=cmd.external_reference, synthetic=cmd.synthetic,
            )  # fmt: skip
            changed.append((fiche, key))
        return fiche

    async def revise(self, fiche_id: UUID, cmd: ReviseFiche) -> FicheAction:
        async with self.saving() as (conn, changed):
            fiche, key = await self.fiche(conn, fiche_id)
            fiche.revise_details(cmd.details(), cmd.revised_on)
            fiche.recategorise(tuple(cmd.categories), cmd.revised_on)
            fiche.revise_budget(cmd.estimated_cost_cents, cmd.revised_on)
            changed.append((fiche, key))
        return fiche

    async def move(self, fiche_id: UUID, cmd: MoveFiche) -> FicheAction:
        async with self.saving() as (conn, changed):
            fiche, key = await self.fiche(conn, fiche_id)
            fiche.move_to(cmd.status, cmd.on, cmd.reason)
            changed.append((fiche, key))
        return fiche


def duplicate(fiche: FicheAction) -> FicheActionAlreadyExistsError:
    message = (
        f"Le territoire a déjà la fiche action « {fiche.details.title} » (même référence ou même titre) :"
        " modifiez-la plutôt que d'en créer une seconde."
    )
    return FicheActionAlreadyExistsError(message, details={"fiche_action_id": str(fiche.id)})
