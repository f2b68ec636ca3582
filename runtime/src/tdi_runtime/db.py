"""The database adapter's plumbing: a pool pinned to the service's schema, and numbered SQL migrations."""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.abc import Traversable
from typing import Any, TypeAlias

import asyncpg
import structlog
from asyncpg.pool import PoolConnectionProxy

from tdi_runtime.settings import ServiceSettings
from tdi_runtime.tracing import untraced

log = structlog.get_logger(__name__)

Connection: TypeAlias = "asyncpg.Connection[Any] | PoolConnectionProxy[Any]"
"""A connection as handlers and adapters receive it: plain, or borrowed from the pool."""

KIT_MIGRATIONS = "tdi_runtime"


async def create_pool(settings: ServiceSettings) -> asyncpg.Pool:
    """A pool whose every connection works in the service's own schema (and only there).

    After a failover, a connection released by a server that now says it is read-only (a standby, or a demoted
    primary) expires the whole pool: every connection is then made again through the address, which finds the
    writable server (`target_session_attrs=read-write` on a multi-host address, or the failed-over service name),
    instead of retrying read-only errors forever on connections that still work.
    """
    expire: list[asyncpg.Pool] = []

    async def reset(conn: asyncpg.Connection[Any]) -> None:
        if query := conn.get_reset_query():  # what asyncpg runs by default, outside any trace: no span per release
            with untraced():
                await conn.execute(query)
        if expire and _read_only(conn):
            log.warning("database_read_only_reconnecting", server_pid=conn.get_server_pid())
            await expire[0].expire_connections()

    pool = await asyncpg.create_pool(
        settings.database_url,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        server_settings={
            "search_path": settings.db_schema,
            "application_name": f"tdi-{settings.service}",
            "statement_timeout": str(int(settings.db_statement_timeout_s * 1000)),  # a slow database is retried
        },
        command_timeout=60,
        reset=reset,
    )
    assert pool is not None
    expire.append(pool)
    return pool


def _read_only(conn: asyncpg.Connection[Any]) -> bool:
    """What the server last reported of itself (ParameterStatus, PostgreSQL 14+): no round trip."""
    settings = conn.get_settings()
    return "on" in (getattr(settings, "in_hot_standby", None), getattr(settings, "default_transaction_read_only", None))


def _migration_files(package: str) -> list[tuple[str, Traversable]]:
    folder = resources.files(package).joinpath("migrations")
    if not folder.is_dir():
        return []
    return sorted((f.name, f) for f in folder.iterdir() if f.name.endswith(".sql"))


async def migrate(pool: asyncpg.Pool, schema: str, packages: list[str]) -> list[str]:
    """Apply the kit's then the service's numbered SQL files once each, under an advisory lock.

    Several replicas may start at once: the lock makes one apply and the others wait and see them done.
    """
    applied_now: list[str] = []
    lock_key = int.from_bytes(hashlib.sha256(f"migrate:{schema}".encode()).digest()[:8], "big", signed=True)
    async with pool.acquire() as conn:
        if not await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
            await conn.execute(f"CREATE SCHEMA {schema}")  # needs CREATE on the database: local or first start
        await conn.execute("SET statement_timeout = 0")  # a long migration is not a slow database
        await conn.execute("SELECT pg_advisory_lock($1)", lock_key)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " package text NOT NULL, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (package, name))"
            )
            done = {(r["package"], r["name"]) for r in await conn.fetch("SELECT package, name FROM schema_migrations")}
            for package in packages:
                for name, file in _migration_files(package):
                    if (package, name) in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(file.read_text(encoding="utf-8"))
                        await conn.execute(
                            "INSERT INTO schema_migrations (package, name) VALUES ($1, $2)", package, name
                        )
                    applied_now.append(f"{package}/{name}")
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", lock_key)
    if applied_now:
        log.info("migrations_applied", schema=schema, migrations=applied_now)
    return applied_now


async def pending_migrations(pool: asyncpg.Pool, packages: list[str]) -> list[str]:
    """Migrations present in the code but not yet applied (empty when the schema is up to date)."""
    async with pool.acquire() as conn:
        exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
        done = set()
        if exists:
            done = {(r["package"], r["name"]) for r in await conn.fetch("SELECT package, name FROM schema_migrations")}
    return [f"{p}/{n}" for p in packages for n, _ in _migration_files(p) if (p, n) not in done]
