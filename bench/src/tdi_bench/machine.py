"""Facts about the machine and servers a result was measured on, printed and saved beside the numbers."""

from __future__ import annotations

import importlib.metadata
import os
import platform
from typing import Any

import asyncpg

from tdi_runtime.kafka import aiokafka_speedups_loaded


async def machine_facts(database_url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(database_url)
    try:
        postgres = await conn.fetchval("SHOW server_version")
        fsync = await conn.fetchval("SHOW synchronous_commit")
    finally:
        await conn.close()
    try:
        from tdi_localstack.kafka_jars import kafka_version

        kafka = kafka_version()
    except Exception:  # the pom is absent in an installed wheel: the version is then unknown
        kafka = "unknown"
    return {
        "cores": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "aiokafka_c_extensions": aiokafka_speedups_loaded(),
        "aiokafka": importlib.metadata.version("aiokafka"),
        "faststream": importlib.metadata.version("faststream"),
        "asyncpg": importlib.metadata.version("asyncpg"),
        "kafka": kafka,
        "postgres": postgres,
        "synchronous_commit": fsync,
    }
