"""Which outbox shards a relay publishes: a fair share among the relays alive on the same schema.

A relay is alive while it holds its membership lock, a session advisory lock (member space, its own key):
`pg_locks` lists the live relays, and a relay whose process or connection dies leaves at once, with no
heartbeat to expire. A shard is published by the holder of its own advisory lock (shard space, shard), so
one relay at a time publishes a shard. Each relay holds at most ⌈shards / live relays⌉ shards: it gives up
the extra ones between two batches when another relay joins, and claims free ones when a relay leaves.
"""

from __future__ import annotations

import contextlib
import random
import zlib

from tdi_runtime.db import Connection

_LIVE = """
SELECT count(*) FROM pg_locks
WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::bigint::oid
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def _space(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


class ShardClaims:
    """The shards one relay holds on its connection, rebalanced between batches."""

    def __init__(self, schema: str, shards: int) -> None:
        self.shards = shards
        self.lock_space = _space(f"relay:{schema}")
        self.member_space = _space(f"relay-members:{schema}")
        self.member_key: int | None = None
        self.held: list[int] = []

    async def join(self, conn: Connection) -> None:
        """Become one of the live relays of the schema (idempotent)."""
        while self.member_key is None:
            key = random.getrandbits(31)
            if await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", self.member_space, key):
                self.member_key = key

    async def live_relays(self, conn: Connection) -> int:
        return int(await conn.fetchval(_LIVE, self.member_space))

    async def share(self, conn: Connection) -> int:
        """⌈shards / live relays⌉: how many shards this relay should hold now (it joins the live relays first)."""
        await self.join(conn)
        return -(-self.shards // max(1, await self.live_relays(conn)))

    async def rebalance(self, conn: Connection, share: int | None = None) -> None:
        """Keep `share` (default: the fair share now) shards: give the extra ones up, claim free ones up to it."""
        share = await self.share(conn) if share is None else share
        while len(self.held) > share:
            await self._unlock(conn, self.held.pop())
        await self._claim(conn, share)

    async def claim_free(self, conn: Connection) -> None:
        """Take every free shard (a one-off drain, which does not count as a live relay)."""
        await self._claim(conn, self.shards)

    async def _claim(self, conn: Connection, share: int) -> None:
        start = self.member_key or 0  # relays try the shards in different orders: fewer collisions
        for i in range(self.shards):
            if len(self.held) >= share:
                return
            shard = (start + i) % self.shards
            if shard not in self.held and await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", self.lock_space, shard
            ):
                self.held.append(shard)

    async def _unlock(self, conn: Connection, shard: int) -> None:
        with contextlib.suppress(Exception):
            await conn.execute("SELECT pg_advisory_unlock($1, $2)", self.lock_space, shard)

    async def release(self, conn: Connection) -> None:
        """Give up every shard and leave the live relays."""
        for shard in self.held:
            await self._unlock(conn, shard)
        self.held.clear()
        if self.member_key is not None:
            with contextlib.suppress(Exception):
                await conn.execute("SELECT pg_advisory_unlock($1, $2)", self.member_space, self.member_key)
            self.member_key = None

    def forget(self) -> None:
        """The connection is gone, and its locks with it."""
        self.held.clear()
        self.member_key = None
