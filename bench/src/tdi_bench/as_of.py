"""Figures as of any date over a long history (issue 26): how long an as-of answer takes with 1 million events.

`python -m tdi_bench.as_of [--events N] [--dates K] [--name NAME]` (`DATABASE_URL` names the server; else a
PostgreSQL of its own is started): a fresh reporting schema is filled, untimed and quickly (`COPY`), with the history
N events leave behind — two years of ticks (`ticks`), one version per event of each fact (`rm_history`: fiches
actions proposed, planned, started, done and revised again and again, dossiers, grants, payments, VTE contracts, the
territory map's revisions, envelope balances), the events themselves (`event_log`, with their facts) and the read
models as of the last tick — plus the snapshots of every month's end. Then, at K random instants of those two years,
it times the as-of answers the reporting API gives (`use_cases.Reporting`, what the routes call): the dashboard's
whole document nationally and for a region, a read model at département level, the money ledger, a monthly series
of 24 points, the first page of a territory figure's lineage; and the live document for comparison. It prints p50 /
p95 per answer with the load average, and writes `bench/results/as-of-<name>.json`.

The history is synthetic and its shape is chosen, not measured: about 45,000 facts (10x the programme's fiches, so
1M events is ~22 versions per fact), their events spread uniformly over 2,000 ticks of two years.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from tdi_contracts.reference import Category, Departement
from tdi_reporting.asof import PARIS, AsOf
from tdi_reporting.domain import Level
from tdi_reporting.ledger import Rules
from tdi_reporting.lineage import FigureQuery, lineage
from tdi_reporting.series import series
from tdi_reporting.snapshots import month_ends, take_snapshot
from tdi_reporting.store import MIGRATIONS
from tdi_reporting.use_cases import Reporting
from tdi_runtime.db import KIT_MIGRATIONS, migrate
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.testing import unique_name

RESULTS = Path(__file__).parents[2] / "results"
FOREVER = 9_223_372_036_854_775_807
START = datetime(2024, 1, 1, 6, tzinfo=UTC)
SPAN = timedelta(days=730)
STAFF = Caller("bench", "national")
CATEGORIES = [c.value for c in Category]
DEPARTEMENTS = [d for d in Departement if len(d.value) == 2 and d.value not in ("2A", "2B")]
SHARES = {  # fact kind: (facts per million events, events per fact)
    "fiche": (20_000, 38),
    "territory": (183, 40),
    "application": (5_000, 8),
    "grant": (2_500, 2),
    "payment": (2_500, 1),
    "vte": (3_000, 6),
    "vte_payment": (3_000, 1),
    "envelope": (21, 1_000),
}


@dataclass
class History:
    events: int
    ticks: int

    def at(self, tick: int) -> datetime:
        return START + SPAN * (tick - 1) / self.ticks


FIXED = {"territory", "envelope"}
"""Kinds whose number of facts is the programme's whatever the size (183 territories, 21 envelopes): their events
per fact scale instead."""


def _scaled(events: int) -> dict[str, tuple[int, int]]:
    """Facts and events per fact of each kind for about `events` events in all (at least one of each)."""
    factor = events / sum(f * e for f, e in SHARES.values())
    return {
        k: (f, max(1, round(e * factor))) if k in FIXED else (max(1, round(f * factor)), e)
        for k, (f, e) in SHARES.items()
    }


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Generator:
    """Every fact's versions, one per event, streamed as `rm_history` and `event_log` rows (each fact on its own:
    nothing of the whole history is held in memory)."""

    def __init__(self, events: int, seed: int = 26) -> None:
        self.rng = random.Random(seed)
        self.plan = _scaled(events)
        self.history = History(events, ticks=max(10, events // 500))
        self.territories = [self._territory_id(i) for i in range(183)]
        self.envelopes = [
            f"fonds-vert-ti-2024-r{r}"
            for r in (
                "11",
                "24",
                "27",
                "28",
                "32",
                "44",
                "52",
                "53",
                "75",
                "76",
                "84",
                "93",
                "94",
                "01",
                "02",
                "03",
                "04",
                "06",
            )
        ]
        self.envelopes += ["rebond-industriel-ingenierie", "rebond-industriel-investissement", "bdt-sites"]  # fmt: skip
        self.grants: list[tuple[str, str, str]] = []  # (grant, territory, envelope)
        self.vte: list[tuple[str, str]] = []
        self.offset = 0

    def _territory_id(self, i: int) -> str:
        return f"tdi-{i:03d}-bench"

    def _ticks(self, n: int) -> list[int]:
        return sorted(self.rng.randint(1, self.history.ticks) for _ in range(n))

    def _day(self, tick: int) -> str:
        return self.history.at(tick).astimezone(PARIS).date().isoformat()

    def _versions(self, table: str, key: str, docs: list[tuple[int, dict[str, Any]]], kind: str) -> Iterator[Any]:
        """(rm_history rows, event_log rows) of one fact's versions (several in one tick: the last one)."""
        merged: dict[int, dict[str, Any]] = {}
        for tick, doc in docs:
            merged[tick] = doc
        ticks = sorted(merged)
        for i, tick in enumerate(ticks):
            to = ticks[i + 1] if i + 1 < len(ticks) else FOREVER
            yield ("history", (table, key, tick, to, json.dumps(merged[tick])))
        for tick, doc in docs:
            self.offset += 1
            payload = json.dumps({"fait": key, "v": doc.get("revision") or self.offset}).encode()
            yield ("log", (tick, "tdi.bench.v1", 0, self.offset, f"bench-{self.offset}", "/tdi/bench",
                           f"fr.territoires-industrie.bench.{kind}.v1", "actions", self.history.at(tick), key,
                           "c", "c", key, payload, hashlib.sha256(payload).digest(), [f"{table}:{key}"]))  # fmt: skip

    def rows(self) -> Iterator[Any]:
        yield from self._territory_rows()
        yield from self._fiche_rows()
        yield from self._funding_rows()
        yield from self._vte_rows()

    def _territory_rows(self) -> Iterator[Any]:
        _, per = self.plan["territory"]
        for i, tid in enumerate(self.territories):
            dep = DEPARTEMENTS[i % len(DEPARTEMENTS)]
            docs = []
            for revision, tick in enumerate(self._ticks(per), start=1):
                chefs = [] if revision % 7 == 3 else [str(uuid.UUID(int=i + 1))]
                epci = [f"2{i:04d}{k:04d}" for k in range(1 + revision % 3)]
                docs.append((tick, {"territory_id": tid, "official_id": f"ti-{8000 + i}", "name": f"Territoire {i}",
                                    "labelled": True, "regions": [dep.region.value], "departements": [dep.value],
                                    "epci_sirens": epci, "active_binomes": 1 + revision % 4,
                                    "chefs_de_projet": chefs, "revision": revision, "perimeter_known": False,
                                    "as_of": self.history.at(tick).isoformat()}))  # fmt: skip
            yield from self._versions("known_territories", tid, docs, "TerritoryReferenceUpdated")

    def _fiche_rows(self) -> Iterator[Any]:
        count, per = self.plan["fiche"]
        for _ in range(count):
            fid, tid = _uuid(self.rng), self.rng.choice(self.territories)
            ticks = self._ticks(per)
            doc: dict[str, Any] = {"fiche_action_id": fid, "territory_id": tid,
                                   "categories": self.rng.sample(CATEGORIES, self.rng.randint(1, 2)),
                                   "synthetic": True, "maturity": "idea", "lead_kind": "role"}  # fmt: skip
            docs = []
            for n, tick in enumerate(ticks):
                day = self._day(tick)
                step = {0: "proposed_on", 1: "planned_on", per // 2: "started_on", per - 2: "completed_on"}.get(n)
                if step:
                    doc = {**doc, step: day}
                else:  # a revision of its details or budget
                    doc = {**doc, "title": f"Action {fid[:8]} v{n}", "estimated_cost_cents": 100_000 * (n + 1),
                           "details_at": self.history.at(tick).isoformat()}  # fmt: skip
                docs.append((tick, doc))
            yield from self._versions("rm_fiche_action", fid, docs, "FicheActionDetailsRevised")

    def _funding_rows(self) -> Iterator[Any]:
        count, per = self.plan["application"]
        for n in range(count):
            aid, tid = _uuid(self.rng), self.rng.choice(self.territories)
            envelope = self.envelopes[n % len(self.envelopes)]
            ticks = self._ticks(per)
            doc: dict[str, Any] = {"application_id": aid, "territory_id": tid, "programme": "fonds-vert-ti",
                                   "envelope_id": envelope, "requested_cents": 10_000_000 + n, "synthetic": True,
                                   "filed_at": self.history.at(ticks[0]).isoformat()}  # fmt: skip
            docs = [(ticks[0], doc)]
            doc = {**doc, "instruction_started_at": self.history.at(ticks[1]).isoformat()}
            docs.append((ticks[1], doc))
            decided = ticks[-1]
            doc = {**doc, "approved_cents": 9_000_000 + n, "approved_at": self.history.at(decided).isoformat()}
            docs.append((decided, doc))
            yield from self._versions("rm_application", aid, docs, "ApplicationApproved")
            if len(self.grants) < self.plan["grant"][0]:
                gid = _uuid(self.rng)
                self.grants.append((gid, tid, envelope))
                grant = {"grant_id": gid, "territory_id": tid, "envelope_id": envelope, "programme": "fonds-vert-ti",
                         "committed_cents": 9_000_000 + n, "committed_on": self._day(decided)}  # fmt: skip
                yield from self._versions("rm_grant", gid, [(decided, grant)], "GrantCommitted")
                pid = _uuid(self.rng)
                paid = min(decided + self.rng.randint(1, 200), self.history.ticks)
                payment = {"payment_id": pid, "grant_id": gid, "territory_id": tid, "amount_cents": 4_500_000,
                           "paid_on": self._day(paid)}  # fmt: skip
                yield from self._versions("rm_payment", pid, [(paid, payment)], "PaymentMade")
        for envelope in self.envelopes:
            _, per = self.plan["envelope"]
            region = envelope.rsplit("-r", 1)[-1] if "-r" in envelope else None
            docs = []
            for n, tick in enumerate(self._ticks(per)):
                docs.append((tick, {"envelope_id": envelope, "programme": "fonds-vert-ti", "region": region,
                                    "year": 2024, "ceiling_cents": 790_000_000, "opened_on": "2024-01-02",
                                    "balance_committed_cents": 1_000_00 * n, "balance_paid_cents": 500_00 * n,
                                    "balance_at": self.history.at(tick).isoformat()}))  # fmt: skip
            yield from self._versions("rm_envelope", envelope, docs, "EnvelopeBalanceChanged")

    def _vte_rows(self) -> Iterator[Any]:
        count, per = self.plan["vte"]
        for _ in range(count):
            cid, tid = _uuid(self.rng), self.rng.choice(self.territories)
            ticks = self._ticks(per)
            doc: dict[str, Any] = {"vte_contract_id": cid, "territory_id": tid, "employer_size": "pme",
                                   "granted_on": self._day(ticks[0]), "base_granted_cents": 400_000,
                                   "green_granted_cents": 0, "synthetic": True}  # fmt: skip
            docs = [(ticks[0], doc)]
            for i, tick in enumerate(ticks[1:], start=1):
                doc = {**doc, "green_granted_cents": 100_000 * i, "green_mission": True}
                docs.append((tick, doc))
            yield from self._versions("rm_vte_contract", cid, docs, "VteAidAdjusted")
            paid = ticks[-1]
            pid = _uuid(self.rng)
            payment = {"payment_id": pid, "vte_contract_id": cid, "territory_id": tid, "base_cents": 400_000,
                       "green_cents": 0, "paid_on": self._day(paid)}  # fmt: skip
            yield from self._versions("rm_vte_payment", pid, [(paid, payment)], "VteAidPaid")


_LOG_COLUMNS = ["tick", "topic", "partition", "offset", "event_id", "source", "type", "producer", "time", "subject",
                "correlation_id", "causation_id", "key", "payload", "payload_sha256", "facts"]  # fmt: skip
_VERSIONED = ["known_territories", "rm_fiche_action", "rm_application", "rm_grant", "rm_payment", "rm_envelope",
              "rm_vte_contract", "rm_vte_payment"]  # fmt: skip


async def load(pool: asyncpg.Pool, events: int) -> dict[str, Any]:
    """Fill the schema with the history of `events` events (untimed for the answers; its own time is reported)."""
    generator = Generator(events)
    began = time.perf_counter()
    counts = {"history": 0, "log": 0}
    async with pool.acquire() as conn:
        await conn.execute("SET synchronous_commit = off")
        buffers: dict[str, list[Any]] = {"history": [], "log": []}

        async def flush(kind: str) -> None:
            rows, buffers[kind] = buffers[kind], []
            if kind == "history":
                await conn.copy_records_to_table(
                    "rm_history", records=rows, columns=["rm", "fact_key", "tick_from", "tick_to", "doc"]
                )
            else:
                await conn.copy_records_to_table("event_log", records=rows, columns=_LOG_COLUMNS)

        for kind, row in generator.rows():
            buffers[kind].append(row)
            counts[kind] += 1
            if len(buffers[kind]) >= 20_000:
                await flush(kind)
        for kind in buffers:
            await flush(kind)
        ticks = generator.history.ticks
        await conn.copy_records_to_table(
            "ticks", records=[(t, generator.history.at(t)) for t in range(1, ticks + 1)], columns=["tick", "at"]
        )
        await conn.execute("UPDATE reporting_clock SET tick = $1", ticks)
        for table in _VERSIONED:  # the read models as of the last tick
            await conn.execute(
                f"INSERT INTO {table} SELECT r.* FROM rm_history h, jsonb_populate_record(NULL::{table}, h.doc) r"
                f" WHERE h.rm = '{table}' AND h.tick_to = {FOREVER}"
            )
        await conn.execute("ANALYZE")
    loaded = time.perf_counter() - began
    async with pool.acquire() as conn:
        began = time.perf_counter()
        months = 0
        for _, end in month_ends(date(2024, 1, 1), date(2025, 12, 1)):
            tick = await conn.fetchval("SELECT max(tick) FROM ticks WHERE at <= $1", end)
            if tick is not None:  # a month before the first tick needs none: nothing was known
                await take_snapshot(conn, tick, end.date())
                months += 1
        snapshots = time.perf_counter() - began
    return {"events": counts["log"], "versions": counts["history"], "ticks": generator.history.ticks,
            "facts": {k: v[0] for k, v in generator.plan.items()}, "load_s": round(loaded, 1),
            "month_end_snapshots": months, "snapshots_s": round(snapshots, 1)}  # fmt: skip


async def _timed(work: Any) -> float:
    began = time.perf_counter()
    await work
    return (time.perf_counter() - began) * 1000


async def measure(pool: asyncpg.Pool, dates: int, seed: int = 7) -> dict[str, list[float]]:
    rng = random.Random(seed)
    reads = Reporting(pool, "bench", Rules())
    instants = [START + SPAN * rng.random() for _ in range(dates)]
    zone = await pool.fetchval("SELECT territory_id FROM known_territories ORDER BY territory_id LIMIT 1")
    region = await pool.fetchval("SELECT regions[1] FROM known_territories WHERE territory_id = $1", zone)
    out: dict[str, list[float]] = {k: [] for k in ("figures", "figures-region", "read-model", "ledger", "series",
                                                   "lineage-page", "live-figures")}  # fmt: skip
    query = FigureQuery("actions_axes", Level.TERRITORY, zone, "fiches_actions")
    for instant in instants:
        asked = AsOf.parse(instant.isoformat())
        out["figures"].append(await _timed(reads.figures(None, None, None, STAFF, asked)))
        out["figures-region"].append(await _timed(reads.figures(region, None, None, STAFF, asked)))
        out["read-model"].append(
            await _timed(reads.rows("financements", Level.DEPARTEMENT, None, None, None, STAFF, asked))
        )
        out["ledger"].append(await _timed(reads.ledger(None, None, None, None, STAFF, asked)))
        out["series"].append(await _timed(series(pool, "financements", Level.REGION, region, "engage_centimes",
                                                 "2024-01", "2025-12", STAFF)))  # fmt: skip
        out["lineage-page"].append(await _timed(lineage(pool, query, STAFF, as_of=asked, limit=100)))
        out["live-figures"].append(await _timed(reads.figures(None, None, None, STAFF)))
    return out


def _summary(times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {k: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(pct(v, 0.95), 1),
                "max_ms": round(max(v), 1)} for k, v in times.items() if v}  # fmt: skip


async def run(database_url: str, events: int, dates: int) -> dict[str, Any]:
    schema = unique_name("bench_asof_")
    pool = await asyncpg.create_pool(database_url, min_size=2, max_size=4, server_settings={"search_path": schema})
    assert pool is not None
    try:
        await migrate(pool, schema, [KIT_MIGRATIONS, *MIGRATIONS])
        loaded = await load(pool, events)
        load_before = os.getloadavg()
        times = await measure(pool, dates)
        return {
            "finished": datetime.now(UTC).isoformat(),
            "history": loaded,
            "dates": dates,
            "load_average": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "answers": _summary(times),
        }
    finally:
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()


def _table(result: dict[str, Any]) -> str:
    h = result["history"]
    lines = [f"as-of answers over {h['events']:,} events ({h['versions']:,} versions, {h['ticks']:,} ticks;"
             f" loaded in {h['load_s']} s), {result['dates']} random dates, load average {result['load_average']}",
             "| answer | p50 ms | p95 ms | max ms |", "| --- | ---: | ---: | ---: |"]  # fmt: skip
    for name, s in result["answers"].items():
        lines.append(f"| {name} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dates", type=int, default=20)
    parser.add_argument("--name", default="latest")
    args = parser.parse_args()

    async def go() -> dict[str, Any]:
        url = os.environ.get("DATABASE_URL")
        if url:
            return await run(url, args.events, args.dates)
        import tempfile

        from tdi_localstack.postgres_server import PostgresServer

        with tempfile.TemporaryDirectory(prefix="tdi-bench-asof-") as folder:
            server = PostgresServer(Path(folder) / "data")
            server.start()
            try:
                return await run(server.url(), args.events, args.dates)
            finally:
                server.stop()

    result = asyncio.run(go())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"as-of-{args.name}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(_table(result))


if __name__ == "__main__":
    main()
