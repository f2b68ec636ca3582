"""The kit's versioned bodies (issue 27): built once per version and key, a strong ETag of the body, `If-None-Match`
compared as RFC 9110 says, and a bounded number of keys kept."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from tdi_runtime.read_cache import VersionedBodies, VersionReads, etag_matches


class Versions:
    """Stands for the pool: the `read_versions` row's version, and a connection to build a body with."""

    def __init__(self) -> None:
        self.version: int | None = None

    async def fetchval(self, query: str, name: str) -> Any:
        return self.version

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[Versions]:
        yield self


async def test_a_body_is_built_again_only_when_the_database_version_moves() -> None:
    conn, built = Versions(), []

    async def build(_conn: Any, key: str) -> dict[str, Any]:
        built.append(key)
        return {"key": key, "n": len(built)}

    bodies = VersionedBodies("things")
    first = await bodies.body(conn, "k", build)  # type: ignore[arg-type]
    again = await bodies.body(conn, "k", build)  # type: ignore[arg-type]
    conn.version = 1
    moved = await bodies.body(conn, "k", build)  # type: ignore[arg-type]

    assert built == ["k", "k"]
    assert again == first
    assert moved[0] == b'{"key":"k","n":2}' and moved[1] != first[1]
    assert first[1].startswith('"') and first[1].endswith('"')


async def test_each_key_has_its_own_body_and_the_least_recently_used_is_forgotten() -> None:
    conn, built = Versions(), []

    async def build(_conn: Any, key: str) -> str:
        built.append(key)
        return key

    bodies = VersionedBodies("things", max_entries=2)
    for key in ["a", "b", "a", "c", "a", "b"]:
        content, _ = await bodies.body(conn, key, build)  # type: ignore[arg-type]
        assert content == f'"{key}"'.encode()

    assert built == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came


def test_if_none_match_is_compared_weakly_against_each_listed_tag() -> None:
    assert etag_matches('"abc"', '"abc"')
    assert etag_matches('W/"abc"', '"abc"')
    assert etag_matches('"x", "abc"', '"abc"')
    assert etag_matches("*", '"abc"')
    assert not etag_matches('"abcd"', '"abc"')
    assert not etag_matches(None, '"abc"')
    assert not etag_matches("", '"abc"')


class SlowVersions:
    """A pool whose version query reads the committed version when it starts and answers when let go."""

    def __init__(self) -> None:
        self.committed = 1
        self.started: list[int] = []
        self.let_go = asyncio.Event()
        self.sent = asyncio.Event()

    async def fetchval(self, query: str, name: str) -> Any:
        seen = self.committed
        self.started.append(seen)
        self.sent.set()
        await self.let_go.wait()
        self.let_go.clear()
        return seen


async def test_requests_share_a_version_read_that_started_after_they_arrived_never_an_earlier_one() -> None:
    pool = SlowVersions()
    versions = VersionReads("things")
    first = asyncio.create_task(versions.read(pool))  # type: ignore[arg-type]
    await pool.sent.wait()  # the first read is sent
    pool.committed = 2  # a change commits while the first read is in flight
    second = asyncio.create_task(versions.read(pool))  # type: ignore[arg-type]
    third = asyncio.create_task(versions.read(pool))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    pool.let_go.set()
    assert await first == 1
    await asyncio.sleep(0)
    pool.let_go.set()

    assert (await second, await third) == (2, 2)
    assert pool.started == [1, 2]  # two reads for three requests: the later two shared one
