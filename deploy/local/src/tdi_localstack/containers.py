"""The stack as containers (TDI_STACK=testcontainers), wherever a Docker-compatible API answers.

The images default to the ones `make images` builds from Debian and Maven Central (`localhost/tdi-kafka:local`,
`localhost/tdi-postgres:local`), so no registry is needed; `TDI_KAFKA_IMAGE` / `TDI_POSTGRES_IMAGE` choose others
(e.g. `apache/kafka:4.1.0`, `postgres:17`, which read the same settings). With podman, point testcontainers at
`podman system service` (deploy/docker/README.md). Kafka is published on a free host port chosen up front so
the advertised listener is right; it is ready when a metadata request is answered, as for the embedded broker.

`python -m tdi_localstack.containers wait --bootstrap B --database-url U` waits for both servers (the compose
init job runs it first, since podman before 4.6 ignores `depends_on: condition: service_healthy`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from tdi_localstack.kafka_server import metadata_answers
from tdi_localstack.ports import free_port

KAFKA_IMAGE = "localhost/tdi-kafka:local"
POSTGRES_IMAGE = "localhost/tdi-postgres:local"


def kafka_image() -> str:
    return os.environ.get("TDI_KAFKA_IMAGE", KAFKA_IMAGE)


def postgres_image() -> str:
    return os.environ.get("TDI_POSTGRES_IMAGE", POSTGRES_IMAGE)


def start_kafka(timeout: float | None = None) -> tuple[Any, str]:
    """(container, bootstrap servers) of a single KRaft broker+controller.

    It must answer within `TDI_CONTAINER_START_TIMEOUT` seconds (300: a JVM on a busy 2-core host is slow).
    """
    timeout = timeout or float(os.environ.get("TDI_CONTAINER_START_TIMEOUT", "300"))
    from testcontainers.core.container import DockerContainer

    port = free_port()
    settings = {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://127.0.0.1:{port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        "KAFKA_HEAP_OPTS": "-Xmx512m -Xms512m",
    }
    image = kafka_image()
    container = DockerContainer(image).with_bind_ports(9092, port)
    for key, value in settings.items():
        container = container.with_env(key, value)
    container.start()
    bootstrap = f"127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while not asyncio.run(metadata_answers(bootstrap)):
        if time.monotonic() > deadline:
            container.stop()
            raise TimeoutError(f"{image} did not answer a metadata request in {timeout:.0f}s")
        time.sleep(0.5)
    return container, bootstrap


def start_postgres(database: str) -> tuple[Any, str]:
    """(container, superuser URL of `database`) of a PostgreSQL server."""
    from testcontainers.community.postgres import PostgresContainer

    container = PostgresContainer(postgres_image(), dbname=database, driver=None)
    container.start()
    return container, container.get_connection_url()


async def _database_answers(url: str) -> bool:
    import asyncpg

    try:
        connection = await asyncpg.connect(url, timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


def wait_for_servers(bootstrap: str, database_url: str, timeout: float = 300.0) -> None:
    """Returns once the broker answers a metadata request and the database accepts a login."""
    deadline = time.monotonic() + timeout
    waiting: dict[str, Callable[[], Coroutine[Any, Any, bool]]] = {
        "Kafka": lambda: metadata_answers(bootstrap),
        "PostgreSQL": lambda: _database_answers(database_url),
    }
    while waiting:
        for name, probe in list(waiting.items()):
            if asyncio.run(probe()):
                sys.stdout.write(f"{name} answers\n")
                sys.stdout.flush()
                del waiting[name]
        if waiting and time.monotonic() > deadline:
            raise TimeoutError(f"{', '.join(waiting)} did not answer within {timeout:.0f}s")
        if waiting:
            time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tdi_localstack.containers")
    commands = parser.add_subparsers(dest="command", required=True)
    wait = commands.add_parser("wait", help="wait until the broker and the database answer")
    wait.add_argument("--bootstrap", required=True)
    wait.add_argument("--database-url", required=True)
    wait.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    wait_for_servers(args.bootstrap, args.database_url, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
