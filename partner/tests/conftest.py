"""Fixtures of the partner CLI's tests: the platform side is the runtime kit on a schema of its own."""

from __future__ import annotations

import asyncpg
import pytest

from tdi_localstack.provisioning import create_topics
from tdi_runtime.testing import prepare_schema, unique_name


@pytest.fixture
async def platform_schema(platform_stack):
    schema = unique_name("partner_")
    await prepare_schema(platform_stack.database_url, schema)
    pool = await asyncpg.create_pool(platform_stack.database_url, server_settings={"search_path": schema})
    yield schema, pool
    await pool.close()


@pytest.fixture
async def platform_group(platform_stack):
    from tdi_contracts.topics import dlq_topic

    group = unique_name("tdi-")
    await create_topics(platform_stack.bootstrap_servers, [(dlq_topic(group), 1, {})])
    return group
