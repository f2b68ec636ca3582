"""The partner chain in a service's schema: one link per accepted partner event, and the pages it publishes.

`append(conn, pending)` runs in the consumer batch's transaction, after the handlers and before the inbox rows:
so a link exists exactly when its event was applied (nothing lost, nothing twice). Appends of one partner are
serialised by a row lock on its head (`partner_chain_heads`, locked in partner order), whichever consumer instance
or partition the batch came from. The hash rules are the contracts' (`tdi_contracts.chain`), so a partner
recomputes them from what it sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tdi_contracts.chain import GENESIS, next_links
from tdi_runtime.db import Connection


@dataclass(frozen=True, slots=True)
class Pending:
    """An accepted partner event waiting for its link (in acceptance order within the batch)."""

    partner: str
    source: str
    event_id: str
    event_hash: str


async def append(conn: Connection, pending: Sequence[Pending]) -> None:
    """Link the batch's accepted partner events to their partners' chains, under each head's row lock."""
    if not pending:
        return
    partners = sorted({p.partner for p in pending})
    await conn.execute(
        "INSERT INTO partner_chain_heads (partner) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", partners
    )
    heads = {
        r["partner"]: (r["seq"], r["link_hash"])
        for r in await conn.fetch(
            "SELECT partner, seq, link_hash FROM partner_chain_heads WHERE partner = ANY($1::text[])"
            " ORDER BY partner FOR UPDATE",
            partners,
        )
    }
    rows: list[tuple[str, int, str, str, str, str, str]] = []
    for partner in partners:
        mine = [p for p in pending if p.partner == partner]
        seq, head = heads.get(partner, (0, GENESIS))
        links = next_links(seq, head, [(p.event_id, p.event_hash) for p in mine])
        for p, (n, prev, hashed) in zip(mine, links, strict=True):
            rows.append((partner, n, p.source, p.event_id, p.event_hash, prev, hashed))
    columns = [list(c) for c in zip(*rows, strict=True)]
    await conn.execute(
        "INSERT INTO partner_chain (partner, seq, source, event_id, event_hash, prev_hash, link_hash)"
        " SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])",
        *columns,
    )
    last = {r[0]: (r[1], r[6]) for r in rows}  # rows are in seq order per partner: the last one wins
    await conn.execute(
        "UPDATE partner_chain_heads h SET seq = x.seq, link_hash = x.link_hash"
        " FROM unnest($1::text[], $2::bigint[], $3::text[]) AS x(partner, seq, link_hash) WHERE h.partner = x.partner",
        list(last),
        [v[0] for v in last.values()],
        [v[1] for v in last.values()],
    )


async def page(conn: Connection, partner: str, after: int, limit: int) -> list[dict[str, Any]]:
    """The links of a partner's chain after `after`, in order, at most `limit`."""
    rows = await conn.fetch(
        "SELECT seq, source, event_id, event_hash, prev_hash, link_hash, accepted_at FROM partner_chain"
        " WHERE partner = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        partner,
        after,
        limit,
    )
    return [{**dict(r), "accepted_at": r["accepted_at"].isoformat()} for r in rows]
