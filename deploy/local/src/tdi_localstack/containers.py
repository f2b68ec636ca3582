"""The stack as Docker containers (TDI_STACK=testcontainers), for machines where a Docker engine answers.

Kafka is the official `apache/kafka` image in KRaft mode, published on a free host port chosen up front so
the advertised listener is right; it is ready when a metadata request is answered, as for the embedded broker.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tdi_localstack.kafka_server import metadata_answers
from tdi_localstack.ports import free_port

KAFKA_IMAGE = "apache/kafka:4.1.0"
POSTGRES_IMAGE = "postgres:17"


def start_kafka(timeout: float = 120.0) -> tuple[Any, str]:
    """(container, bootstrap servers) of a single KRaft broker+controller."""
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
    container = DockerContainer(KAFKA_IMAGE).with_bind_ports(9092, port)
    for key, value in settings.items():
        container = container.with_env(key, value)
    container.start()
    bootstrap = f"127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while not asyncio.run(metadata_answers(bootstrap)):
        if time.monotonic() > deadline:
            container.stop()
            raise TimeoutError(f"{KAFKA_IMAGE} did not answer a metadata request in {timeout:.0f}s")
        time.sleep(0.5)
    return container, bootstrap


def start_postgres(database: str) -> tuple[Any, str]:
    """(container, superuser URL of `database`) of a PostgreSQL server."""
    from testcontainers.community.postgres import PostgresContainer

    container = PostgresContainer(POSTGRES_IMAGE, dbname=database, driver=None)
    container.start()
    return container, container.get_connection_url()
