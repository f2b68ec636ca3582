"""Scenarios 1, 2, 3, 7, 8, 9: services killed (-9, at the two crash windows, SIGTERM), poison, duplicates."""

from __future__ import annotations

import random
import signal
import threading
import time
from collections.abc import Callable

from tdi_localstack.faults.checker import check
from tdi_localstack.faults.harness import FaultPlatform, during
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.stream import Stream
from tdi_localstack.provisioning import SERVICES
from tdi_runtime.failpoints import CONSUMER_AFTER_DB_COMMIT, RELAY_AFTER_ACK

CONSUMERS = ("actions", "funding", "vte", "reporting")
RELAYS = ("territory", "actions", "funding", "vte")


def _finish(
    name: str, platform: FaultPlatform, stream: Stream, faults_before: int, began: float, **figures: object
) -> ScenarioReport:
    faults = platform.faults - faults_before
    restore(platform)
    result = check(platform, stream.ledger)
    report = ScenarioReport.of(name, stream.ledger, result, faults, time.monotonic() - began, **figures)
    print(report.line(), flush=True)  # noqa: T201 - the counts each scenario must show
    return report


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible crash points, not a secret


def restore(platform: FaultPlatform) -> None:
    """Every service back with its ordinary settings (a restart to disarm is not a fault of the scenario)."""
    faults = platform.faults
    for service in list(platform.services):  # every instance (two of each service in the cluster harness)
        if not platform.alive(service) or platform.env_of.get(service):
            platform.restart(service, sig=signal.SIGTERM)
    platform.faults = faults


def _wait(condition: Callable[[], bool], stop: threading.Event) -> bool:
    """Poll `condition` until it holds (True) or the stream is done (False)."""
    while not condition():
        if stop.is_set():
            return False
        time.sleep(0.2)
    return True


def kill_each_service(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """1. kill -9 of each service in turn, repeatedly; a kill only once the process made progress since its
    start and the stream applied more than at the previous kill."""
    began, before = time.monotonic(), platform.faults
    stream = Stream(platform, "s1", 96 if full else 16)
    kills: list[tuple[str, int, int]] = []  # (service, progress of the killed process, stream applied at the kill)
    rounds = 4 if full else 1

    def faults(stop: threading.Event) -> None:
        for _ in range(rounds):
            for name in SERVICES:
                last = kills[-1][2] if kills else 0

                def moved(n: str = name, last: int = last) -> bool:
                    return platform.progress(n) > 0 and stream.applied > last

                if not _wait(moved, stop):
                    return
                progress, applied = platform.progress(name), stream.applied
                platform.kill(name)
                kills.append((name, progress, applied))
                platform.start(name)

    during(stream.run, faults)
    applied = [a for _, _, a in kills]
    assert all(p > 0 for _, p, _ in kills), kills
    assert applied == sorted(set(applied)), f"each kill after new progress: {applied}"
    return _finish(
        "1 kill -9 of each service", platform, stream, before, began, kills=[f"{n}@{a}(+{p})" for n, p, a in kills]
    )


def _crash_loop(
    platform: FaultPlatform,
    services: tuple[str, ...],
    point: str,
    crashes: int,
    extra: dict[str, str],
    rng: random.Random,
) -> Callable[[threading.Event], None]:
    """Arm `point` in each service; each time one dies there, restart it armed again, `crashes` times each."""
    left = dict.fromkeys(services, crashes)

    def armed(name: str) -> dict[str, str]:
        prefix = f"TDI_{name.upper()}_"
        return {"TDI_FAILPOINTS": f"{point}@{rng.randint(1, 4)}", **{prefix + k: v for k, v in extra.items()}}

    def faults(stop: threading.Event) -> None:
        # An armed service may die before it even answers /readyz (its first batch can hit the point), so armed
        # starts do not wait for readiness: the loop below sees the death and restarts it.
        for name in services:
            platform.restart(name, armed(name), sig=signal.SIGTERM, wait=False)
            platform.faults -= 1  # arming is not a fault
        while not stop.is_set() and any(left.values()):
            for name in services:
                if left[name] and not platform.alive(name):
                    platform.faults += 1
                    left[name] -= 1
                    platform.start(name, armed(name) if left[name] else None, wait=False)
            time.sleep(0.2)
        for name in services:  # the stream ended while one lay dead at its point: back, unarmed
            if not platform.alive(name):
                platform.faults += 1
                platform.start(name, None, wait=False)
        platform.wait_ready()

    return faults


def kill_relay_after_ack(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """2. the relay dies (-9) right after the broker acknowledged a batch, before its rows are marked sent."""
    began, before = time.monotonic(), platform.faults
    stream = Stream(platform, "s2", 48 if full else 12)
    during(stream.run, _crash_loop(platform, RELAYS, RELAY_AFTER_ACK, 3 if full else 1, {}, _rng(2)))
    return _finish("2 kill -9 of the relay after the broker ack", platform, stream, before, began)


def exit_between_db_and_offset_commit(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """3. the consumer dies after its database commit, before its offsets are committed (committed rarely)."""
    began, before = time.monotonic(), platform.faults
    stream = Stream(platform, "s3", 48 if full else 12)
    rare = {"COMMIT_INTERVAL_S": "30"}
    crashes = _crash_loop(platform, CONSUMERS, CONSUMER_AFTER_DB_COMMIT, 3 if full else 1, rare, _rng(3))
    during(stream.run, crashes)
    return _finish("3 exit between DB commit and offset commit", platform, stream, before, began)


def poison(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """7. 1 % poison records on the partners' ingress topics: dead-lettered with a reason, nothing healthy skipped."""
    began, before = time.monotonic(), platform.faults
    stream = Stream(platform, "s7", 100 if full else 16, poison_rate=0.01)
    stream.run()
    return _finish("7 1% poison events", platform, stream, before, began, poison=len(stream.ledger.poison))


def duplicates_out_of_order(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """8. every partner batch sent twice (the copy shuffled), green missions before their contracts."""
    began, before = time.monotonic(), platform.faults
    stream = Stream(platform, "s8", 64 if full else 16, duplicates=True, out_of_order=True)
    stream.run()
    sends = sum(e.sends for e in stream.ledger.partner_events.values())
    return _finish(
        "8 duplicates and out-of-order partner events",
        platform,
        stream,
        before,
        began,
        duplicates=sends - len(stream.ledger.partner_events),
    )


def sigterm_all_under_load(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """9. SIGTERM of every service at once while the stream runs, then a restart."""
    began, before = time.monotonic(), platform.faults
    stream = Stream(platform, "s9", 48 if full else 16)
    exits: list[tuple[str, int | None, float]] = []

    def faults(stop: threading.Event) -> None:
        for round_ in range(3 if full else 1):

            def loaded(r: int = round_) -> bool:
                return stream.applied > 20 * (r + 1)

            if not _wait(loaded, stop):
                return
            sent = time.monotonic()
            for name in SERVICES:
                platform.services[name].process.send_signal(signal.SIGTERM)
            for name in SERVICES:
                code = platform.wait_exit(name, 30)
                exits.append((name, code, time.monotonic() - sent))
            for name in SERVICES:
                platform.start(name, wait=False)
            platform.wait_ready()

    during(stream.run, faults)
    bad = [e for e in exits if e[1] not in (0, -signal.SIGTERM)]
    assert not bad, f"a SIGTERM is a clean exit within the shutdown timeout: {bad}"
    return _finish(
        "9 SIGTERM of every service under load",
        platform,
        stream,
        before,
        began,
        slowest_exit_s=round(max((s for *_, s in exits), default=0), 1),
    )


SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {
    "1": kill_each_service,
    "2": kill_relay_after_ack,
    "3": exit_between_db_and_offset_commit,
    "7": poison,
    "8": duplicates_out_of_order,
    "9": sigterm_all_under_load,
}
