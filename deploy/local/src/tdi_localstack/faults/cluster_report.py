"""What every cluster scenario adds to the checker's counts: the answer probe's figures per fault, the HTTP
commands refused and retried, crashed instances, acknowledged writes missing from their topic."""

from __future__ import annotations

import asyncio
import functools
import statistics
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from tdi_localstack.faults.cluster import ClusterPlatform
from tdi_localstack.faults.cluster_probes import AnswerProbe
from tdi_localstack.faults.harness import during
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.scenarios_core import _finish, _wait
from tdi_localstack.faults.scenarios_infra_probes import acknowledged_missing, applied_above, crashed_since
from tdi_localstack.faults.stream import Stream


def answer_figures(probe: AnswerProbe, moments: list[float], figures: dict[str, Any]) -> None:
    """Per fault: the longest time without any partner answer, and the longest wait of one partner event; the
    ordinary wait before the first fault beside them."""
    ends = [*moments[1:], float("inf")]
    windows = list(zip(moments, ends, strict=True))
    figures["no_answer_s"] = [probe.silence_between(start, end) for start, end in windows]
    figures["longest_wait_s"] = [probe.worst_between(start, end) for start, end in windows]
    before = [probe.answered[e] - t for e, t in probe.sent.items() if e in probe.answered and t < moments[0]]
    figures["answer_s_before_faults"] = round(statistics.median(before), 2) if before else None
    figures["probe_events"] = len(probe.sent)
    slow = [probe.partitions.get(e, -1) for e, t in probe.sent.items() if probe.answered.get(e, t + 1e9) - t > 30]
    if slow:  # which partitions of the ingress topic waited longest (a consumer that did not fetch them)
        figures["waits_over_30s_by_partition"] = dict(sorted(Counter(slow).items()))


def under_load(stream: Stream, faults: Callable[[threading.Event], None], probe: AnswerProbe) -> None:
    """The stream runs until the faults are done (not only its own size), once partners are answered promptly."""
    probe.warm()
    done = threading.Event()

    def until_done(stop: threading.Event) -> None:
        try:
            faults(stop)
        finally:
            done.set()

    during(functools.partial(stream.run, until=done), until_done)


def cluster_finish(
    name: str,
    platform: ClusterPlatform,
    stream: Stream,
    before: int,
    began: float,
    alive_before: dict[str, int],
    probe: AnswerProbe | None = None,
    **figures: Any,
) -> ScenarioReport:
    crashed = crashed_since(platform, alive_before) or [n for n in platform.services if not platform.alive(n)]
    refused = stream.ledger.refused
    figures |= {
        "http_commands": len(stream.ledger.http),
        "http_refused": len(refused),
        "http_refused_attempts": sum(len(r) for r in refused.values()),
        "http_refusal_reasons": dict(Counter(reason for reasons in refused.values() for reason in reasons)),
        "crashed": crashed,
    }
    report = _finish(name, platform, stream, before, began, **figures)
    if probe is not None and (slow := probe.diagnose(platform.stack.database_url)):
        report.figures["slow_answers"] = slow  # where partner answers that took over 30 s waited
    missing = report.figures["acknowledged_missing"] = asyncio.run(acknowledged_missing(platform))
    failed = [k for k, (status, _) in stream.ledger.http.items() if status >= 500]
    if crashed:
        report.problems.append(f"service instances died or were restarted by someone else: {crashed}")
    if missing:
        report.problems.append(f"lost: {missing} outbox rows marked sent are not on their topic")
    if failed:
        report.problems.append(f"HTTP commands refused for good (5xx after every retry): {failed[:5]}")
    return report


def loaded(stream: Stream, k: int, stop: threading.Event, per_fault: int = 6) -> bool:
    return _wait(functools.partial(applied_above, stream, per_fault * (k + 1)), stop)
