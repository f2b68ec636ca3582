"""SQL of the chef de projet counters (issue 24, B1): the State's part per (territory, year) and per (post, year),
changed only by conditional statements, so concurrent approvals never pass the cap nor 70 % of a post."""

from __future__ import annotations

from uuid import UUID

from tdi_funding.domain.application import Effect
from tdi_funding.domain.chef_de_projet import CdpKey, CdpLedger, post_cap_reached, territory_cap_reached
from tdi_runtime.db import Connection

# The row lock taken by the upsert serialises the writers of one (territory, year) / (post, year), and Postgres
# re-checks the WHERE clause on the latest row version: the condition holds at commit (READ COMMITTED).
COMMIT_TERRITORY = (
    "INSERT INTO cdp_territory_years AS t (territory_id, year, cap_cents, committed_cents) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (territory_id, year) DO UPDATE SET committed_cents = t.committed_cents + excluded.committed_cents,"
    " cap_cents = excluded.cap_cents WHERE t.committed_cents + excluded.committed_cents <= excluded.cap_cents"
    " RETURNING committed_cents"
)
COMMIT_POST = (
    "INSERT INTO cdp_post_years AS p (post_id, year, state_ceiling_cents, committed_cents) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (post_id, year) DO UPDATE SET committed_cents = p.committed_cents + excluded.committed_cents,"
    " state_ceiling_cents = excluded.state_ceiling_cents"
    " WHERE p.committed_cents + excluded.committed_cents <= excluded.state_ceiling_cents RETURNING committed_cents"
)
DECOMMIT_TERRITORY = (
    "UPDATE cdp_territory_years SET committed_cents = committed_cents - $3"
    " WHERE territory_id = $1 AND year = $2 AND committed_cents >= $3 RETURNING committed_cents"
)
DECOMMIT_POST = (
    "UPDATE cdp_post_years SET committed_cents = committed_cents - $3"
    " WHERE post_id = $1 AND year = $2 AND committed_cents >= $3 RETURNING committed_cents"
)


async def ledger_for(conn: Connection, territory_id: str, year: int, post_id: UUID) -> CdpLedger:
    """The counters one decision looks at, as they are now (the domain's readable answer; the UPDATE is the proof)."""
    return CdpLedger(
        territories={(territory_id, year): await given(conn, territory_id, year)},
        posts={
            (post_id, year): int(
                await conn.fetchval(
                    "SELECT coalesce(sum(committed_cents), 0) FROM cdp_post_years WHERE post_id = $1 AND year = $2",
                    post_id,
                    year,
                )
            )
        },
    )


async def given(conn: Connection, territory_id: str, year: int) -> int:
    """What the State gives the territory that year so far (committed on its chef de projet dossiers)."""
    return int(
        await conn.fetchval(
            "SELECT coalesce(sum(committed_cents), 0) FROM cdp_territory_years WHERE territory_id = $1 AND year = $2",
            territory_id,
            year,
        )
    )


async def apply(conn: Connection, key: CdpKey, effect: Effect) -> None:
    """Writes a decision's effect on both counters; a commitment either fits both or raises CHEF_DE_PROJET_CAP_REACHED
    with the room left now (another transaction may have taken it since the domain looked)."""
    if effect.decommit:
        for sql, who in ((DECOMMIT_TERRITORY, key.territory_id), (DECOMMIT_POST, key.post_id)):
            if await conn.fetchval(sql, who, key.year, effect.decommit) is None:
                raise ValueError(f"chef de projet counter of {who} {key.year} below a de-commitment")
    if effect.commit:
        territory_ok = await conn.fetchval(COMMIT_TERRITORY, key.territory_id, key.year, key.cap_cents, effect.commit)
        post_ok = territory_ok is not None and (
            await conn.fetchval(COMMIT_POST, key.post_id, key.year, key.post_ceiling_cents, effect.commit)
        )
        if territory_ok is None or post_ok is None:  # refused: the transaction rolls back what was counted
            now = await ledger_for(conn, key.territory_id, key.year, key.post_id)
            if territory_ok is None:
                raise territory_cap_reached(key, effect.commit, now.territories[(key.territory_id, key.year)])
            raise post_cap_reached(key, effect.commit, now.posts[(key.post_id, key.year)])
