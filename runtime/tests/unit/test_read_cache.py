"""The kit's versioned bodies (issue 27): built once per version and key, a strong ETag of the body, `If-None-Match`
compared as RFC 9110 says, and a bounded number of keys kept."""

from __future__ import annotations

from typing import Any

from tdi_runtime.read_cache import VersionedBodies, etag_matches


class Versions:
    """Stands for the `read_versions` row: the version the database would answer."""

    def __init__(self) -> None:
        self.version: int | None = None

    async def fetchval(self, query: str, name: str) -> Any:
        return self.version


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
