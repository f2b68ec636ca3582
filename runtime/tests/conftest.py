"""Fixtures of the runtime kit's tests: a schema of their own with the kit's tables, and fresh topics."""

from __future__ import annotations

import sys
from pathlib import Path

import asyncpg
import pytest

from tdi_localstack.provisioning import create_topics
from tdi_runtime.testing import prepare_schema, unique_name

if str(Path(__file__).resolve().parent) not in sys.path:  # the tests' helper modules (demarches_fake)
    sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
async def kit_schema(platform_stack):
    schema = unique_name("kit_")
    await prepare_schema(platform_stack.database_url, schema)
    return schema


@pytest.fixture
async def kit_pool(platform_stack, kit_schema):
    pool = await asyncpg.create_pool(
        platform_stack.database_url, min_size=2, max_size=40, server_settings={"search_path": kit_schema}
    )
    yield pool
    await pool.close()


@pytest.fixture
def new_topic(platform_stack):
    async def _new(partitions: int = 3) -> str:
        topic = f"tdi.test.{unique_name('t')}.v1"
        await create_topics(platform_stack.bootstrap_servers, [(topic, partitions, {})])
        return topic

    return _new


@pytest.fixture
def new_group(platform_stack):
    """A consumer group of its own, with its dead-letter topic."""

    async def _new() -> str:
        from tdi_contracts.topics import dlq_topic

        group = unique_name("tdi-")
        await create_topics(platform_stack.bootstrap_servers, [(dlq_topic(group), 1, {})])
        return group

    return _new
