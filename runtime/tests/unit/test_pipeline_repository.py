"""A repository's identity map: within one unit of work an aggregate is read once, locked once, saved once."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tdi_runtime.pipeline import Repository


@dataclass
class Post:
    key: str
    cost: int


class InMemoryPosts(Repository[str, Post]):
    """The port implemented in memory, counting the statements a database would run."""

    def __init__(self, stored: dict[str, Post]) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]
        self.stored = stored
        self.statements: list[tuple[str, list[str]]] = []

    async def _lock_many(self, keys: list[str]) -> None:
        self.statements.append(("lock", keys))

    async def _load_many(self, keys: list[str]) -> dict[str, Post]:
        self.statements.append(("load", keys))
        return {k: Post(k, self.stored[k].cost) for k in keys if k in self.stored}

    def _key_of(self, aggregate: Post) -> str:
        return aggregate.key

    async def _save_many(self, aggregates: list[Post]) -> None:
        self.statements.append(("save", [a.key for a in aggregates]))
        self.stored.update((a.key, Post(a.key, a.cost)) for a in aggregates)


async def test_an_aggregate_read_twice_is_read_and_locked_once_and_is_the_same_object():
    posts = InMemoryPosts({"p1": Post("p1", 30_000_00)})
    first, second = await posts.get("p1"), await posts.get("p1")
    assert first is second and first == Post("p1", 30_000_00)
    assert posts.statements == [("lock", ["p1"]), ("load", ["p1"])]


async def test_a_batch_reads_only_what_it_has_not_read_with_its_locks_sorted_in_one_statement():
    posts = InMemoryPosts({"a": Post("a", 1), "c": Post("c", 3)})
    await posts.get("c")
    found = await posts.get_many(["d", "a", "c", "a", "b"])
    assert found == {"d": None, "a": Post("a", 1), "c": Post("c", 3), "b": None}
    assert posts.statements[2:] == [("lock", ["a", "b", "d"]), ("load", ["a", "b", "d"])]
    assert await posts.get("d") is None and len(posts.statements) == 4, "an absent key is remembered as absent"


async def test_changed_and_new_aggregates_are_saved_once_at_the_flush_and_not_again():
    posts = InMemoryPosts({"a": Post("a", 1)})
    a = await posts.get("a")
    assert a is not None
    a.cost = 2
    posts.changed(a)
    posts.changed(a)
    posts.add(Post("b", 5))
    await posts.flush()
    await posts.flush()
    assert [s for s in posts.statements if s[0] == "save"] == [("save", ["a", "b"])]
    assert posts.stored["a"].cost == 2 and await posts.get("b") == Post("b", 5)


async def test_after_discard_the_next_read_goes_to_the_store_again_and_nothing_pending_is_saved():
    posts = InMemoryPosts({"a": Post("a", 1)})
    a = await posts.get("a")
    assert a is not None
    a.cost = 99
    posts.changed(a)
    posts.discard()  # e.g. the savepoint that changed it was rolled back
    await posts.flush()
    assert (await posts.get("a")) == Post("a", 1)
    assert [s[0] for s in posts.statements] == ["lock", "load", "lock", "load"]


async def test_a_read_only_lookup_refuses_to_save():
    class Lookup(Repository[str, int]):
        async def _load_many(self, keys: list[str]) -> dict[str, int]:
            return {}

    lookup = Lookup(conn=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="read-only"):
        lookup.add(1)
