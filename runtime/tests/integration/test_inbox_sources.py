"""The inbox knows an event by (source, id), as CloudEvents does: two partners may send the same id."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from tdi_contracts.envelope import encode_event, envelope_for
from tdi_contracts.events.territory import EpciJoined
from tdi_runtime.db import KIT_MIGRATIONS, _migration_files, migrate
from tdi_runtime.inbox import digest
from tdi_runtime.testing import DetachedConsumer, probe_consumer, publish_records, read_topic, unique_name

pytestmark = pytest.mark.integration


def event_from(source: str, event_id: str, seq: int):
    """A probe event (its effect row carries `seq`) sent by `source` under the id `event_id`."""
    payload = EpciJoined(
        territory_id="ti-7100", epci_siren="200067213", epci_name=f"EPCI n° {seq}", joined_on=date(2024, 1, 15)
    )
    envelope = envelope_for(payload, "territory").model_copy(update={"id": event_id, "source": source})
    return encode_event(envelope, payload)


async def test_two_partners_sending_the_same_event_id_both_have_it_applied(
    platform_stack, kit_pool, new_topic, new_group
):
    bootstrap = platform_stack.bootstrap_servers
    topic, group = await new_topic(partitions=1), await new_group()
    sent = [event_from("/partners/bpifrance", "EVT-42", 1), event_from("/partners/ademe", "EVT-42", 2)]
    await publish_records(bootstrap, topic, sent)
    records = await read_topic(bootstrap, topic, expect=2)
    consumer = probe_consumer(kit_pool, group)

    await consumer.handle_batch(records[:1], DetachedConsumer())
    await consumer.handle_batch(records, DetachedConsumer())  # the first one again (Kafka redelivery), then ademe's
    await consumer.handle_batch(records, DetachedConsumer())  # both again: nothing twice

    effects = await kit_pool.fetch("SELECT event_id, seq FROM probe_effects ORDER BY seq")
    assert [(r["event_id"], r["seq"]) for r in effects] == [("EVT-42", 1), ("EVT-42", 2)]
    rows = await kit_pool.fetch("SELECT source, outcome FROM inbox WHERE consumer = $1 ORDER BY source", group)
    assert [(r["source"], r["outcome"]) for r in rows] == [
        ("/partners/ademe", "applied"),
        ("/partners/bpifrance", "applied"),
    ]


async def test_the_migration_keeps_the_events_an_existing_inbox_already_handled(platform_stack, new_topic, new_group):
    """0003 on a filled inbox: old rows get source '' and still stand for their event, whatever its source."""
    schema = unique_name("kit_old_")
    pool = await asyncpg.create_pool(platform_stack.database_url, server_settings={"search_path": schema})
    try:
        await pool.execute(f"CREATE SCHEMA {schema}")
        await pool.execute(
            "CREATE TABLE schema_migrations (package text NOT NULL, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (package, name))"
        )
        for name, file in _migration_files(KIT_MIGRATIONS):
            if name < "0003":  # the kit as it was before the inbox kept sources
                await pool.execute(file.read_text(encoding="utf-8"))
                await pool.execute("INSERT INTO schema_migrations VALUES ($1, $2)", KIT_MIGRATIONS, name)
        await pool.execute(
            "CREATE TABLE probe_effects (event_id text, territory text, seq int, applied_at timestamptz)"
        )
        bootstrap = platform_stack.bootstrap_servers
        topic, group = await new_topic(partitions=1), await new_group()
        await publish_records(bootstrap, topic, [event_from("/partners/bpifrance", "EVT-7", 7)])
        [first] = await read_topic(bootstrap, topic, expect=1)
        await pool.execute(  # what the old kit recorded when it applied the event
            'INSERT INTO inbox (consumer, event_id, topic, partition, "offset", outcome, digest)'
            " VALUES ($1, 'EVT-7', $2, 0, $3, 'applied', $4)",
            group,
            topic,
            first.offset,
            digest(first.value),
        )

        assert await migrate(pool, schema, [KIT_MIGRATIONS]) == [
            f"{KIT_MIGRATIONS}/{n}" for n, _ in _migration_files(KIT_MIGRATIONS) if n >= "0003"
        ]

        key = await pool.fetchval(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'inbox_pkey'"
            " AND connamespace = $1::regnamespace",
            schema,
        )
        assert key == "PRIMARY KEY (consumer, event_id, source)"
        assert await pool.fetchval("SELECT source FROM inbox WHERE event_id = 'EVT-7'") == ""
        await publish_records(bootstrap, topic, [event_from("/partners/bpifrance", "EVT-7", 7)])  # sent again
        records = await read_topic(bootstrap, topic, expect=2)
        await probe_consumer(pool, group).handle_batch(records, DetachedConsumer())
        assert await pool.fetchval("SELECT count(*) FROM probe_effects") == 0  # handled before: not again
    finally:
        await pool.execute(f"DROP SCHEMA {schema} CASCADE")
        await pool.close()
