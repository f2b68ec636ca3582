"""vte in-process, prefetch off and on: `python -m tdi_bench.vte_batches [contracts] [batch] [pairs]`.

N `RecordVteContractV2` (5,000 by default) fed to an in-process vte consumer (the service's registry and unit of
work, `DetachedConsumer`, no broker) in batches of 500, on a PostgreSQL of its own (or `BENCH_DB_URL`); runs
alternate prefetch off / on (`consumer_batch_prefetch`), the first pair warms up and is not counted. Prints one JSON
line per run (events/s, load average) and the medians. The comparison of issue 21's stop note (then the
`ConsumerSpec.prepare` hook: 217 → 548/s), on the pipeline of issue 23: `bench/README.md`.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import asyncpg

from tdi_contracts.envelope import Envelope, encode_event, spec_for
from tdi_contracts.events.vte import RecordVteContractV2
from tdi_contracts.topics import partner_ingress_topic
from tdi_localstack.postgres_server import PostgresServer
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.db import KIT_MIGRATIONS, migrate
from tdi_runtime.outbox import Outbox
from tdi_runtime.territories import TERRITORY_MIGRATIONS
from tdi_runtime.testing import DetachedConsumer
from tdi_vte.handlers import consumer_spec
from tdi_vte.repositories import vte_unit_of_work
from tdi_vte.rules import VteRules

RULES = VteRules(pseudonym_key="bench-key-bench-key-bench-key-bench")  # type: ignore[arg-type]
TOPIC = partner_ingress_topic("bpifrance", "vte")
TERRITORY = (
    "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements, epci_sirens,"
    " active_binomes, chefs_de_projet, revision, as_of)"
    " VALUES ('tdi-44-bench', 'ti-9998', 'Bench', true, '{44}', '{51}', '{200067213}', 1, '{}', 1, now())"
)
COMMUNE = "INSERT INTO known_communes VALUES ('51454', 'tdi-44-bench', '200067213', '51', current_date)"


def records(n: int) -> list[SimpleNamespace]:
    """Bpifrance's records as the consumer fetches them: n contracts, each of its own reference and candidate."""
    fed = []
    for i in range(n):
        payload = RecordVteContractV2.model_validate(
            {
                "contract_reference": f"BPI-BENCH-{i:06d}",
                "establishment": {
                    "siret": "73282932000074",
                    "siren": "732829320",
                    "size": "pme",
                    "commune_insee": "51454",
                },
                "candidate": {
                    "candidate_reference": f"CAND-{i}",
                    "status": "jeune-diplome",
                    "study_level": "bac+5",
                    "graduated_in": "2024-06",
                },
                "contract_type": "cdd",
                "duration_months": 12,
                "starts_on": "2024-09-02",
                "signed_on": "2024-07-10",
                "aid_requested_on": "2024-09-20",
            },
            strict=False,
        )
        spec = spec_for(payload)
        key, value, headers = encode_event(Envelope.new(spec.type, spec.subject_of(payload), "bpifrance"), payload)
        fed.append(SimpleNamespace(topic=TOPIC, partition=i % 8, offset=i, key=key, value=value, headers=headers))
    return fed


async def rate(url: str, fed: list[SimpleNamespace], batch: int, prefetch: bool, run: int) -> float:
    """Events/s of one run on a fresh schema (every contract checked recorded)."""
    schema = f"vte_bench_{os.getpid()}_{run}"
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2, server_settings={"search_path": schema})
    try:
        await migrate(pool, schema, [KIT_MIGRATIONS, "tdi_vte", TERRITORY_MIGRATIONS])
        await pool.execute(TERRITORY)
        await pool.execute(COMMUNE)
        spec = consumer_spec("tdi-vtebench")
        consumer = EventConsumer(
            service="vte",
            group=spec.group,
            pool=pool,
            outbox=Outbox(),
            registry=spec.registry,
            unit_of_work=vte_unit_of_work(RULES),
            prefetch=prefetch,
            feedback=spec.feedback,
            strict=spec.strict,
        )
        started = time.perf_counter()
        for start in range(0, len(fed), batch):
            await consumer.handle_batch(fed[start : start + batch], DetachedConsumer())
        seconds = time.perf_counter() - started
        assert await pool.fetchval("SELECT count(*) FROM vte_contracts") == len(fed)
        return len(fed) / seconds
    finally:
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()


async def compare(url: str, n: int, batch: int, pairs: int) -> dict[str, object]:
    fed = records(n)
    off: list[float] = []
    on: list[float] = []
    run = 0
    for pair in range(pairs + 1):
        for prefetch in (False, True):
            run += 1
            found = await rate(url, fed, batch, prefetch, run)
            line = {"pair": pair, "prefetch": prefetch, "events_per_s": round(found), "load": os.getloadavg()}
            print(json.dumps(line), flush=True)
            if pair:
                (on if prefetch else off).append(found)
    return {
        "off_median": round(statistics.median(off)),
        "on_median": round(statistics.median(on)),
        "ratio_median": round(statistics.median(a / b for a, b in zip(on, off, strict=True)), 2),
    }


def main() -> None:
    given = [int(a) for a in sys.argv[1:4]]
    n, batch, pairs = given + [5000, 500, 4][len(given) :]
    if url := os.environ.get("BENCH_DB_URL"):
        print(json.dumps(asyncio.run(compare(url, n, batch, pairs))))
        return
    with tempfile.TemporaryDirectory(prefix="tdi-vte-bench-") as tmp:
        server = PostgresServer(Path(tmp) / "postgres" / "data")
        server.start()
        try:
            print(json.dumps(asyncio.run(compare(server.url(), n, batch, pairs))))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
