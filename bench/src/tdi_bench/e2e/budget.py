"""The per-hop latency budget (issue 27), read from the platform's own OpenTelemetry spans.

The vte and reporting processes export their spans over OTLP/HTTP (the standard `OTEL_*` variables, nothing else)
to a receiver in the bench process (`tdi_runtime.trace_receiver`). The bench, as the partner, gives one record in
`TRACE_EVERY` of scenario 2 (and every SSE probe) a W3C `traceparent` of its own, sampled: the kit continues that
trace in each service (`apply <Event>` spans, linked to the batch `consume <group>` that committed them) and in the
relay (`publish <topic>`, from the record handed to the producer to the broker's ack). Joined by trace id, the spans
of each sampled event give its time points; the budget is the median and p99 of each hop between two of them.

Only the kit's spans are needed: the stock asyncpg and FastAPI instrumentations (one span per statement, per
request) are switched off for the run (`OTEL_PYTHON_DISABLED_INSTRUMENTATIONS`), so exporting costs one span per
consumer batch and the spans of the sampled events, not a span per statement on the paths being timed.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tdi_bench.e2e.latency import percentile
from tdi_bench.e2e.partner import PartnerRecord
from tdi_runtime.kafka import PRODUCER_SETTINGS
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.trace_receiver import ReceivedSpan

TRACE_EVERY = 10
"""One record in this many of scenario 2 carries a sampled trace context (every SSE probe does)."""
VTE, REPORTING = "tdi-vte", "tdi-reporting"
EXPORT_ENV = {
    "OTEL_BSP_SCHEDULE_DELAY": "200",  # ms: spans reach the receiver soon after the scenario
    "OTEL_BSP_MAX_QUEUE_SIZE": "200000",  # one span per batch of the throughput scenario too: never dropped
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "2048",
    "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "asyncpg,fastapi",
}
"""What the vte and reporting processes are given besides `OTEL_EXPORTER_OTLP_ENDPOINT` (see the module)."""

POINTS = (
    "partner send",
    "vte consume",
    "vte commit",
    "relay publish",
    "broker ack",
    "reporting consume",
    "reporting commit",
    "SSE message",
)
"""The time points of one event, in order; each hop is between two neighbours."""
HOPS = tuple(f"{a} → {b}" for a, b in itertools.pairwise(POINTS))
TOTAL = "partner send → reporting commit"


def traced(record: PartnerRecord) -> tuple[PartnerRecord, str]:
    """The record with a sampled `traceparent` of the bench's own (a new trace), and that trace's id."""
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    header = ("traceparent", f"00-{trace_id}-{span_id}-01".encode())
    headers = [(k, v) for k, v in record.headers if k not in ("traceparent", "tracestate")]
    return replace(record, headers=[*headers, header]), trace_id


def trace_some(records: Sequence[PartnerRecord], every: int) -> tuple[list[PartnerRecord], dict[str, str]]:
    """Every `every`-th record traced; returns the records and {contract id: trace id} of the traced ones."""
    out, traces = [], {}
    for i, record in enumerate(records):
        if i % every == 0:
            record, trace_id = traced(record)
            traces[record.contract_id] = trace_id
        out.append(record)
    return out, traces


def settings_in_force(environ: Mapping[str, str]) -> dict[str, ServiceSettings]:
    """The vte and reporting settings the services read from `environ` (their process's), by service."""
    found = {}
    for name in ("vte", "reporting"):
        prefix = f"TDI_{name.upper()}_"
        mine = {k[len(prefix) :].lower(): v for k, v in environ.items() if k.startswith(prefix)}
        known = {k: v for k, v in mine.items() if k in ServiceSettings.model_fields and k != "service"}
        found[name] = ServiceSettings.for_service(name, deployment="local", **known)
    return found


def waits(settings: Mapping[str, ServiceSettings]) -> dict[str, str]:
    """The fixed waits on each hop, from the settings in force."""
    vte, reporting = settings["vte"], settings["reporting"]
    linger = PRODUCER_SETTINGS.get("linger_ms")

    def fetch(s: ServiceSettings) -> str:
        return (
            f"consumer_batch_timeout_ms={s.consumer_batch_timeout_ms} (at most: a fetch returns with its first records)"
        )

    return {
        HOPS[0]: f"partner producer linger_ms=5 (the bench's); {fetch(vte)}",
        HOPS[1]: "none (decode, inbox, handlers, one transaction)",
        HOPS[2]: "none: the consumer wakes the relay after its commit (else its idle poll, relay_poll_interval_s="
        f"{vte.relay_poll_interval_s})",
        HOPS[3]: f"relay producer linger_ms={linger} (acks=all)",
        HOPS[4]: fetch(reporting),
        HOPS[5]: "none (decode, inbox, fold, one transaction)",
        HOPS[6]: "none: the feed's notifier wakes every stream after the fold's commit (no poll)",
        TOTAL: f"offsets committed every commit_interval_s={vte.commit_interval_s} / {reporting.commit_interval_s}, "
        "after the database commit: off the path",
    }


@dataclass
class Timeline:
    """The time points (epoch ns) found for one sampled event."""

    trace_id: str
    points: dict[str, int] = field(default_factory=dict)


def _committed(batch: ReceivedSpan) -> int:
    """When a batch's transaction committed: its `committed` event when the kit records one, else the span's end."""
    for name, at in getattr(batch, "events", ()):
        if name == "committed":
            return int(at)
    return batch.end_ns


def timelines(
    spans: Iterable[ReceivedSpan], sent_ns: Mapping[str, int], sse_ns: Mapping[str, int] | None = None
) -> list[Timeline]:
    """For each trace id in `sent_ns` (its partner send), the time points its spans give."""
    by_trace: dict[str, list[ReceivedSpan]] = {}
    batches: dict[tuple[str, str], ReceivedSpan] = {}
    for s in spans:
        if s.name.startswith("consume "):
            batches[(s.service, s.span_id)] = s
        elif s.trace_id in sent_ns:
            by_trace.setdefault(s.trace_id, []).append(s)
    found = []
    for trace_id, sent in sent_ns.items():
        line = Timeline(trace_id, {"partner send": sent})
        mine = by_trace.get(trace_id, [])
        vte = _first_applied(mine, batches, VTE)
        if vte is not None:
            line.points["vte consume"] = vte.start_ns
            line.points["vte commit"] = _committed(vte)
        reporting_apply = min(
            (s for s in mine if s.service == REPORTING and s.name.startswith("apply ")),
            key=lambda s: s.start_ns,
            default=None,
        )
        reporting = _batch_of(reporting_apply, batches, REPORTING)
        if reporting_apply is not None and reporting is not None:
            line.points["reporting consume"] = reporting.start_ns
            line.points["reporting commit"] = _committed(reporting)
            topic = reporting_apply.attributes.get("messaging.destination.name")
            published = [s for s in mine if s.service == VTE and s.name == f"publish {topic}"]
            before = [s for s in published if s.end_ns <= reporting.start_ns] or published
            if before:
                publish = max(before, key=lambda s: s.end_ns)
                line.points["relay publish"] = publish.start_ns
                line.points["broker ack"] = publish.end_ns
        if sse_ns and trace_id in sse_ns:
            line.points["SSE message"] = sse_ns[trace_id]
        found.append(line)
    return found


def _batch_of(applied: ReceivedSpan | None, batches: Mapping[tuple[str, str], ReceivedSpan], service: str) -> Any:
    if applied is None or not applied.links:
        return None
    return batches.get((service, applied.links[0][1]))


def _first_applied(
    mine: Sequence[ReceivedSpan], batches: Mapping[tuple[str, str], ReceivedSpan], service: str
) -> ReceivedSpan | None:
    """The batch that applied the partner's event in `service` (the earliest, should it be applied twice)."""
    applied = sorted(
        (s for s in mine if s.service == service and s.name.startswith("apply ")), key=lambda s: s.start_ns
    )
    for s in applied:
        batch = _batch_of(s, batches, service)
        if batch is not None:
            return batch  # type: ignore[no-any-return]
    return None


def _stats(values_ms: Sequence[float]) -> dict[str, Any]:
    return {
        "samples": len(values_ms),
        "p50_ms": round(percentile(values_ms, 0.50), 2) if values_ms else None,
        "p99_ms": round(percentile(values_ms, 0.99), 2) if values_ms else None,
    }


def budget(lines: Sequence[Timeline], settings: Mapping[str, ServiceSettings]) -> dict[str, Any]:
    """Median and p99 of every hop over the events whose two time points were both found, with its fixed waits."""
    told = waits(settings)
    hops = []
    for (a, b), name in zip(itertools.pairwise(POINTS), HOPS, strict=True):
        values = [(t.points[b] - t.points[a]) / 1e6 for t in lines if a in t.points and b in t.points]
        hops.append({"hop": name, **_stats(values), "waits": told[name]})
    whole = [
        (t.points["reporting commit"] - t.points["partner send"]) / 1e6 for t in lines if "reporting commit" in t.points
    ]
    hops.append({"hop": TOTAL, **_stats(whole), "waits": told[TOTAL]})
    complete = sum(1 for t in lines if all(p in t.points for p in POINTS[:-1]))
    return {"sampled": len(lines), "complete": complete, "trace_every": TRACE_EVERY, "hops": hops}


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def budget_table(found: Mapping[str, Any]) -> str:
    """The budget as a Markdown table (terminal and README)."""
    lines = [
        f"Per-hop latency budget (spans of {found['sampled']} sampled events, {found['complete']} with every hop "
        "up to the reporting commit; SSE from the bench's probes):",
        "",
        "| hop | samples | p50 ms | p99 ms | waits (settings in force) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for hop in found["hops"]:
        lines.append(
            f"| {hop['hop']} | {hop['samples']} | {_ms(hop['p50_ms'])} | {_ms(hop['p99_ms'])} | {hop['waits']} |"
        )
    return "\n".join(lines)
