"""Creates what the platform expects to exist: every topic of the contracts catalogue, a schema and role per service."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from tdi_runtime.kafka import security_options

SERVICES = ("territory", "actions", "funding", "vte", "reporting")


def catalogue() -> list[tuple[str, int, dict[str, str]]]:
    """(name, partitions, configs) of every topic the contracts package declares."""
    from tdi_contracts.topics import ALL_TOPICS

    return [(t.name, t.partitions, t.config()) for t in ALL_TOPICS]  # with each topic's max.message.bytes


def topic_plan(
    topics: Iterable[tuple[str, int, dict[str, str]]] | None = None, min_insync_replicas: int | None = None
) -> list[tuple[str, int, dict[str, str]]]:
    """(name, partitions, configs) of the topics to create: the catalogue by default, with the in-sync minimum."""
    wanted = list(catalogue() if topics is None else topics)
    if min_insync_replicas is None:
        return wanted
    insync = {"min.insync.replicas": str(min_insync_replicas)}
    return [(name, n, {**configs, **insync}) for name, n, configs in wanted]


async def create_topics(
    bootstrap_servers: str,
    topics: Iterable[tuple[str, int, dict[str, str]]] | None = None,
    replication_factor: int = 1,
    security: dict[str, Any] | None = None,
    min_insync_replicas: int | None = None,
) -> list[str]:
    """Create the missing topics (idempotent) and align the configuration of those that exist (a kept data
    folder or a broker named by the environment, made before a retention bound was declared); returns the names
    it created.

    On a cluster, `replication_factor` 3 and `min_insync_replicas` 2 (set on each topic, as the KafkaTopics of
    deploy/k8s do): `KafkaCluster.topic_options()` gives both. The in-sync minimum is part of the declared
    configuration, so aligning an existing topic keeps it (AlterConfigs replaces the whole dynamic configuration).
    """
    wanted = topic_plan(topics, min_insync_replicas)
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=30000, **(security or security_options())
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, partitions, replication_factor, topic_configs=configs)
            for name, partitions, configs in wanted
            if name not in existing
        ]
        if missing:
            await admin.create_topics(missing)
            await _until_visible(admin, {t.name for t in missing})
        await _align(admin, {name: configs for name, _, configs in wanted if name in existing and configs})
        return [topic.name for topic in missing]
    finally:
        await admin.close()


async def _align(admin: AIOKafkaAdminClient, wanted: dict[str, dict[str, str]]) -> None:
    """Set the declared configuration of existing topics where the broker holds another one. Kafka's AlterConfigs
    replaces a topic's whole dynamic configuration, so the declared one (every key the contracts set) is sent."""
    if not wanted:
        return
    described = await _described(admin, list(wanted))
    stale = [
        ConfigResource(ConfigResourceType.TOPIC, name, configs)
        for name, configs in wanted.items()
        if any(described.get(name, {}).get(key) != value for key, value in configs.items())
    ]
    if stale:
        for response in await admin.alter_configs(stale):
            refused = [(name, message) for code, message, _type, name in response.resources if code]
            if refused:
                raise RuntimeError(f"the broker refused the topic configuration of {refused}")


async def topic_configs(
    bootstrap_servers: str, names: Iterable[str], security: dict[str, Any] | None = None
) -> dict[str, dict[str, str]]:
    """Each topic's configuration as the broker reports it (name -> value, defaults included)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=30000, **(security or security_options())
    )
    await admin.start()
    try:
        return await _described(admin, list(names))
    finally:
        await admin.close()


async def _described(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    found: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for _error, _message, _type, name, entries in response.resources:
            found[name] = {entry[0]: entry[1] for entry in entries}
    return found


async def _until_visible(admin: AIOKafkaAdminClient, names: set[str], timeout: float = 30.0) -> None:
    """Creation is acknowledged before every listener knows the topic: wait until metadata shows them all."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        described = await admin.describe_topics(list(names))
        if all(d.get("error_code", 0) == 0 and d.get("partitions") for d in described):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"topics not visible after {timeout}s: {sorted(names)}")


async def create_database(admin_url: str, database: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


async def init_schemas(database_url: str, *, with_roles: bool) -> None:
    """One schema per service; with roles, each schema is owned by a login role of the same name.

    The role's password equals its name: this is only ever done for the local embedded server.
    """
    conn = await asyncpg.connect(database_url)
    try:
        for service in SERVICES:
            if with_roles:
                if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", service):
                    await conn.execute(f"CREATE ROLE {service} LOGIN PASSWORD '{service}'")
                await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION {service}")
                await conn.execute(f"ALTER ROLE {service} SET search_path = {service}")
            else:
                await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {service}")
    finally:
        await conn.close()


def run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]
