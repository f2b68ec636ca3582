"""Repositories with an identity map per unit of work: an aggregate read twice is read once, saved once.

A service's repository implements the port (`_load_many`, and for writes `_key_of` + `_save_many`; `_lock_many`
when its aggregates are serialised by a lock) and its users call the rest:

    contract = await uow.contracts.get(reference)      # locked, then read, once per unit of work
    await uow.contracts.get_many(references)           # a whole consumer batch: one lock, one read
    uow.contracts.add(new_contract) / uow.contracts.changed(contract)
    await uow.flush()                                  # every dirty aggregate, one `executemany`

A key read and not found is remembered as absent (no second query). Locks are taken sorted, in one statement,
so every consumer takes them in the same order (no deadlock). A read-only lookup (a projection) is the same
class without `_save_many`. `discard()` forgets everything: a savepoint rolled back takes the reads and the
transaction-scoped locks taken inside it with it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

from tdi_runtime.db import Connection

K = TypeVar("K", bound=Hashable)
A = TypeVar("A")


class Repository(Generic[K, A]):
    """Aggregates of one kind, by key, as this unit of work sees them."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._seen: dict[K, A | None] = {}
        self._dirty: dict[K, A] = {}
        self._locked: set[K] = set()

    # The port: what a repository of a service implements.
    async def _load_many(self, keys: list[K]) -> dict[K, A]:
        """The stored aggregates of these keys (absent keys are left out), in one query."""
        raise NotImplementedError

    async def _lock_many(self, keys: list[K]) -> None:
        """Serialise the work on these keys until the transaction ends (sorted, one statement); none by default."""

    def _key_of(self, aggregate: A) -> K:
        raise TypeError(f"{type(self).__name__} is read-only")

    async def _save_many(self, aggregates: list[A]) -> None:
        """Write these aggregates, in one statement (`executemany`)."""
        raise TypeError(f"{type(self).__name__} is read-only")

    # What handlers and prefetches call.
    async def get(self, key: K) -> A | None:
        if key not in self._seen:
            await self.get_many((key,))
        return self._seen[key]

    async def get_many(self, keys: Iterable[K]) -> dict[K, A | None]:
        """Each key's aggregate (None: not stored); only the keys this unit of work has not read are read."""
        wanted = list(dict.fromkeys(keys))
        missing = _sorted(k for k in wanted if k not in self._seen)
        if missing:
            await self.lock_many(missing)
            found = await self._load_many(missing)
            self._seen.update((k, found.get(k)) for k in missing)
        return {k: self._seen[k] for k in wanted}

    async def lock_many(self, keys: Iterable[K]) -> None:
        """Take the locks of the keys not locked yet by this unit of work, sorted, in one statement."""
        missing = _sorted(k for k in set(keys) if k not in self._locked)
        if missing:
            await self._lock_many(missing)
            self._locked.update(missing)

    def add(self, aggregate: A) -> None:
        """A new aggregate: seen from now on by this unit of work, written at its flush."""
        key = self._key_of(aggregate)
        self._seen[key] = aggregate
        self._dirty[key] = aggregate

    def changed(self, aggregate: A) -> None:
        """An aggregate this unit of work changed: written at its flush (once, however often it changed)."""
        self.add(aggregate)

    async def flush(self) -> None:
        if self._dirty:
            dirty, self._dirty = list(self._dirty.values()), {}
            await self._save_many(dirty)

    def discard(self) -> None:
        """Forget every read, write and lock (a savepoint was rolled back, or another event begins)."""
        self._seen.clear()
        self._dirty.clear()
        self._locked.clear()


def _sorted(keys: Iterable[K]) -> list[K]:
    """Keys in one order every consumer shares (text order: the SQL side sorts the same)."""
    return sorted(keys, key=str)
