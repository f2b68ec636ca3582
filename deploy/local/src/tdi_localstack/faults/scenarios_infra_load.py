"""Scenarios 6 and 10: a consumer rebalance storm; a slow database and a full disk (back-pressure, signals).

6. Extra instances of reporting and funding join and leave (SIGTERM or kill -9, in turn) every few seconds
   while the stream runs: every join and leave moves partitions of their groups.
10. Reporting's writes sleep past its statement timeout (a pg_sleep trigger), then funding's tables meet a full
   disk (a real one, `small_disk.py`, where a tmpfs can be mounted; else a trigger raising the same SQLSTATE
   53100): each service pauses, `/readyz` and `/metrics` say so,
   nothing is dead-lettered, nothing crashes, and all is applied once the fault is gone.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import signal
import sys
import threading
import time
from collections.abc import Callable
from subprocess import Popen

import asyncpg

from tdi_localstack.faults.harness import FaultPlatform, during
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.scenarios_core import _finish, _wait
from tdi_localstack.faults.scenarios_infra_probes import (
    applied_above,
    crashed_since,
    internal_dead_letters,
    pids,
    wait_reason,
)
from tdi_localstack.faults.small_disk import SmallDisk
from tdi_localstack.faults.stream import Stream
from tdi_localstack.ports import free_port
from tdi_localstack.processes import spawn, stop

STORM = ("reporting", "funding")
_SLEEP = "CREATE OR REPLACE FUNCTION {s}.fault_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$"  # noqa: E501
_FULL = (
    "CREATE OR REPLACE FUNCTION {s}.fault_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$"
)


def _instance(platform: FaultPlatform, name: str, number: int) -> Popen[bytes]:
    env = platform._env(name, free_port(), {})
    return spawn([sys.executable, "-m", f"tdi_{name}"], log_path=platform.logs / f"{name}-extra{number}.log", env=env)


def rebalance_storm(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """6. Instances join and leave every few seconds on the consumer groups of reporting and funding."""
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    stream, moves = Stream(platform, "s6", 48 if full else 10), {"joined": 0, "left": 0}

    def faults(stop_: threading.Event) -> None:
        extras: list[Popen[bytes]] = []
        leave = itertools.cycle((signal.SIGTERM, signal.SIGKILL))
        try:
            for step in itertools.count():
                if stop_.wait(2.0 if full else 1.5):
                    return
                if len(extras) < 2 and step % 3 != 2:
                    extras.append(_instance(platform, STORM[step % 2], step))
                    moves["joined"] += 1
                elif extras:
                    extras.pop(0).send_signal(next(leave))
                    moves["left"] += 1
                platform.faults += 1
        finally:
            for process in extras:
                stop(process, timeout=15)

    during(stream.run, faults)
    crashed = crashed_since(platform, alive_before)
    report = _finish("6 consumer rebalance storm", platform, stream, before, began, crashed=crashed, **moves)
    if crashed:
        report.problems.append(f"services died in the storm: {crashed}")
    return report


async def _triggers(platform: FaultPlatform, schema: str, function: str, ddl: str, on: bool) -> None:
    conn = await asyncpg.connect(platform.stack.database_url)
    try:
        tables = [
            r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = $1", schema)
        ]
        if on:
            await conn.execute(ddl.format(s=schema))
        for table in tables:
            if table in ("outbox", "inbox", "schema_migrations", "http_requests"):
                continue
            await conn.execute(f"DROP TRIGGER IF EXISTS {function} ON {schema}.{table}")
            if on:
                await conn.execute(
                    f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {schema}.{table}"
                    f" FOR EACH ROW EXECUTE FUNCTION {schema}.{function}()"
                )
    finally:
        await conn.close()


def _retrying(platform: FaultPlatform, service: str) -> float:
    lines = [line for line in platform.metrics(service).splitlines() if line.startswith("tdi_retrying_attempts{")]
    return max((float(line.rsplit(" ", 1)[1]) for line in lines), default=0.0)


def _small_disk(platform: FaultPlatform) -> SmallDisk | None:
    data = platform.stack.data_dir / "postgres" / "data" if platform.stack.data_dir else None
    if data is None or not data.exists():
        return None
    disk = SmallDisk.mount(platform.logs.parent / "small-disk", owner_of=data)
    if disk is not None:
        platform.after_stop.append(disk.unmount)
    return disk


def slow_database_and_full_disk(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """10. A slow database, then a full disk, each for a few seconds in the middle of the stream."""
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    platform.restart("reporting", {"TDI_REPORTING_DB_STATEMENT_TIMEOUT_S": "1"}, sig=signal.SIGTERM)
    platform.faults -= 1  # a shorter statement timeout is the setting under test, not a fault
    alive_before, internal_before = pids(platform), internal_dead_letters(platform)
    stream, seen, retrying = Stream(platform, "s10", 40 if full else 10), {}, {}
    faults_of = (("reporting", "fault_slow", _SLEEP), ("funding", "fault_full", _FULL))
    disk = _small_disk(platform)
    if disk is not None:  # a real full disk for funding's tables, rather than the trigger
        asyncio.run(disk.move(platform.stack.database_url, "funding"))

    def fault(service: str, function: str, ddl: str, on: bool) -> None:
        if function == "fault_full" and disk is not None and on:
            disk.fill()
        elif function == "fault_full" and disk is not None:
            disk.free()
        else:
            asyncio.run(_triggers(platform, service, function, ddl, on=on))

    def faults(stop_: threading.Event) -> None:
        for k, (service, function, ddl) in enumerate(faults_of):
            if not _wait(functools.partial(applied_above, stream, 6 * (k + 1)), stop_):
                return
            fault(service, function, ddl, on=True)
            platform.faults += 1
            seen[service] = wait_reason(platform, "consumer", stop_, service)
            retrying[service] = _retrying(platform, service)
            time.sleep(6.0 if full else 2.0)  # paused meanwhile: the broker holds what it cannot apply
            fault(service, function, ddl, on=False)

    during(stream.run, faults)
    crashed = crashed_since(platform, alive_before)
    report = _finish(
        "10 slow database and full disk",
        platform,
        stream,
        before,
        began,
        readyz=seen,
        retrying=retrying,
        full_disk="tmpfs tablespace, filled" if disk is not None else "trigger raising SQLSTATE 53100",
    )
    if crashed:
        report.problems.append(f"services died (crash loop) under a slow or full database: {crashed}")
    internal = report.figures["internal_dead_letters"] = internal_dead_letters(platform) - internal_before
    if internal:
        report.problems.append(f"{internal} events dead-lettered as INTERNAL_ERROR under a slow or full database")
    if len(seen) < len(faults_of) or not all(v >= 1 for v in retrying.values()):
        report.problems.append(f"no clear signal of the pause: readyz={seen} retrying={retrying}")
    return report


SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {
    "6": rebalance_storm,
    "10": slow_database_and_full_disk,
}
