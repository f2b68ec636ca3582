"""The chef de projet posts funding knows: its own projection of the territory service's post events (never a read
of the territory service's tables; its handlers are registered in `handlers`), read when a chef de projet dossier is
filed and decided (issue 24, B1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tdi_contracts.events.territory import ChefDeProjetAppointed, ChefDeProjetEnded, ChefDeProjetShared
from tdi_funding.domain.chef_de_projet import Post
from tdi_runtime.db import Connection
from tdi_runtime.pipeline import UnitOfWork

_APPOINTED = (
    "INSERT INTO known_posts (post_id, territory_id, annual_cost_cents, appointed_on) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (post_id) DO UPDATE SET territory_id = excluded.territory_id,"
    " annual_cost_cents = excluded.annual_cost_cents, appointed_on = excluded.appointed_on"
)
_SHARED = (
    "INSERT INTO known_posts (post_id, territory_id, shared_with) VALUES ($1, $2, $3)"
    " ON CONFLICT (post_id) DO UPDATE SET shared_with = excluded.shared_with"
)
_ENDED = (
    "INSERT INTO known_posts (post_id, territory_id, ended_on) VALUES ($1, $2, $3)"
    " ON CONFLICT (post_id) DO UPDATE SET ended_on = excluded.ended_on"
)


async def on_appointed(p: ChefDeProjetAppointed, uow: UnitOfWork) -> None:
    await uow.defer(_APPOINTED, p.chef_de_projet_id, p.territory_id, p.annual_cost_cents, p.appointed_on)


async def on_shared(p: ChefDeProjetShared, uow: UnitOfWork) -> None:
    """`shared_with` is the post's whole list of other territories (platform rule: the latest event wins)."""
    await uow.defer(_SHARED, p.chef_de_projet_id, p.territory_id, sorted(p.shared_with))


async def on_ended(p: ChefDeProjetEnded, uow: UnitOfWork) -> None:
    await uow.defer(_ENDED, p.chef_de_projet_id, p.territory_id, p.ended_on)


def _post(row: Any) -> Post:
    return Post(
        row["post_id"],
        row["territory_id"],
        row["annual_cost_cents"],
        tuple(row["shared_with"]),
        row["appointed_on"],
        row["ended_on"],
    )


async def load_post(conn: Connection, post_id: UUID | None) -> Post | None:
    """A post whose cost is known (appointed), or None."""
    if post_id is None:
        return None
    row = await conn.fetchrow("SELECT * FROM known_posts WHERE post_id = $1 AND annual_cost_cents IS NOT NULL", post_id)
    return None if row is None else _post(row)
