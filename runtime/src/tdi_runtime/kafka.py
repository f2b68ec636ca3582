"""Kafka plumbing shared by every service: the idempotent producer, and the aiokafka speed check."""

from __future__ import annotations

import os
import ssl
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from tdi_contracts.topics import ALL_TOPICS

log = structlog.get_logger(__name__)

MAX_REQUEST_BYTES = max(t.max_message_bytes for t in ALL_TOPICS)
"""The producer's max request size: the largest max.message.bytes a topic of the contracts declares. The relay
checks each record against its own topic's limit before sending, so the broker never refuses one for size."""

# One place for the settings that make "nothing lost, nothing twice" hold on the producing side.
PRODUCER_SETTINGS: dict[str, object] = {
    "acks": "all",
    "enable_idempotence": True,
    "linger_ms": 5,
    "max_batch_size": 262144,
    "max_request_size": MAX_REQUEST_BYTES,
    "request_timeout_ms": 30000,
}


TLS_PROTOCOLS = ("SSL", "SASL_SSL")


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A client TLS context: the broker's certificate and host name verified against `ca_file` (a PEM CA bundle),
    else against the system's trusted authorities."""
    return ssl.create_default_context(cafile=ca_file or None)


def security_options(username: str | None = None, password: str | None = None) -> dict[str, Any]:
    """aiokafka connection options for the broker's listener: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.

    From the environment (`KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME`,
    `KAFKA_SASL_PASSWORD`, as the local stack writes them in secure mode; `KAFKA_SSL_CAFILE`, the CA that signed
    the broker's certificate, for SSL and SASL_SSL); a service passes its own user.
    """
    protocol = os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    if protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": protocol}
    if protocol in TLS_PROTOCOLS:
        options["ssl_context"] = tls_context(os.environ.get("KAFKA_SSL_CAFILE"))
    if "SASL" in protocol:
        options |= {
            "sasl_mechanism": os.environ.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
            "sasl_plain_username": username or os.environ.get("KAFKA_SASL_USERNAME", ""),
            "sasl_plain_password": password or os.environ.get("KAFKA_SASL_PASSWORD", ""),
        }
    return options


def faststream_security(options: dict[str, Any]) -> Any:
    """The FastStream security object of the same options (None on a PLAINTEXT listener): SCRAM with TLS on
    SASL_SSL, TLS alone on SSL, each with the options' TLS context."""
    tls = options.get("security_protocol") in TLS_PROTOCOLS
    context = options.get("ssl_context") if tls else None
    if not options.get("sasl_mechanism"):
        if not tls:
            return None
        from faststream.security import BaseSecurity

        return BaseSecurity(ssl_context=context, use_ssl=True)
    from faststream.security import SASLScram256, SASLScram512

    scram = SASLScram512 if options["sasl_mechanism"] == "SCRAM-SHA-512" else SASLScram256
    return scram(
        username=options["sasl_plain_username"],
        password=options["sasl_plain_password"],
        ssl_context=context,
        use_ssl=tls,
    )


def create_producer(bootstrap_servers: str, client_id: str, **security: Any) -> AIOKafkaProducer:
    """The idempotent producer (acks=all) the outbox relay publishes with."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        **PRODUCER_SETTINGS,
        **(security or security_options()),
    )


def aiokafka_speedups_loaded() -> bool:
    """aiokafka silently falls back to pure Python record codecs, several times slower: say so at start."""
    from aiokafka.record import default_records

    loaded = "_crecords" in default_records.DefaultRecordBatch.__module__
    if not loaded:
        log.warning(
            "aiokafka_c_extensions_missing", hint="install a binary aiokafka wheel; unset AIOKAFKA_NO_EXTENSIONS"
        )
    return loaded


async def batches_to_end(
    bootstrap_servers: str,
    topics: Sequence[str],
    *,
    max_records: int | None = None,
    security: Mapping[str, Any] | None = None,
) -> AsyncGenerator[list[Any], None]:
    """The records of `topics` from their start up to their end offsets as of the call, batch by batch.

    No consumer group: nothing is committed or moved. The consumer is stopped when the iteration ends, also when
    it cannot start (use it under `contextlib.aclosing` when the loop may stop early). `security`: SASL options,
    by default those of the environment.
    """
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
        **(security if security is not None else security_options()),
    )
    try:
        await consumer.start()  # without a group, every partition of the topics is assigned
        partitions = list(consumer.assignment())
        ends = await consumer.end_offsets(partitions)
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            fetched = await consumer.getmany(timeout_ms=500, max_records=max_records)
            yield [
                r for batch in fetched.values() for r in batch if r.offset < ends[TopicPartition(r.topic, r.partition)]
            ]
    finally:
        await consumer.stop()


async def read_to_end(bootstrap_servers: str, topic: str) -> list[Any]:
    """Every record of `topic` from its start up to its end offsets as of now (no consumer group involved)."""
    return [record async for batch in batches_to_end(bootstrap_servers, [topic]) for record in batch]
