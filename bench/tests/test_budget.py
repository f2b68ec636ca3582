"""The per-hop budget joins an event's spans by trace id, from the partner's send to the SSE message."""

from __future__ import annotations

from tdi_bench.e2e.budget import HOPS, POINTS, TOTAL, budget, budget_table, settings_in_force, timelines, traced
from tdi_bench.e2e.partner import PartnerRecord
from tdi_runtime.trace_receiver import ReceivedSpan

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
MS = 1_000_000


def _span(service, name, span_id, start_ms, end_ms, *, trace=TRACE, parent="", links=(), events=(), topic=None):
    return ReceivedSpan(
        service=service, name=name, kind=0, trace_id=trace, span_id=span_id, parent_id=parent,
        start_ns=start_ms * MS, end_ns=end_ms * MS, links=tuple((trace, s) for s in links),
        events=tuple((n, t * MS) for n, t in events),
        attributes={} if topic is None else {"messaging.destination.name": topic},
    )  # fmt: skip


def _one_event_s_spans() -> list[ReceivedSpan]:
    other = "0" * 31 + "1"
    return [
        _span("tdi-vte", "consume tdi-vte", "b1", 3, 12, trace=other, events=[("committed", 10)]),
        _span("tdi-vte", "apply RecordVteContract", "a1", 5, 6, parent="p0", links=["b1"]),
        _span("tdi-vte", "publish tdi.vte.contracts.v1", "u1", 11, 14, parent="a1"),
        _span("tdi-vte", "publish tdi.partner.bpifrance.feedback.v1", "u2", 11, 13, parent="a1"),
        _span("tdi-reporting", "consume tdi-reporting", "b2", 16, 25, trace=other),  # no `committed` event: its end
        _span("tdi-reporting", "apply VteContractGranted", "a2", 18, 19, parent="a1", links=["b2"],
              topic="tdi.vte.contracts.v1"),
    ]  # fmt: skip


def test_an_event_s_spans_give_each_hop_from_the_partner_s_send_to_the_sse_message():
    [line] = timelines(_one_event_s_spans(), {TRACE: 1 * MS}, {TRACE: 30 * MS})

    assert line.points == {
        "partner send": 1 * MS, "vte consume": 3 * MS, "vte commit": 10 * MS, "relay publish": 11 * MS,
        "broker ack": 14 * MS, "reporting consume": 16 * MS, "reporting commit": 25 * MS, "SSE message": 30 * MS,
    }  # fmt: skip
    found = budget([line], settings_in_force({}))
    hops = {h["hop"]: h for h in found["hops"]}
    assert [h["hop"] for h in found["hops"]] == [*HOPS, TOTAL]
    assert {name: hops[name]["p50_ms"] for name in HOPS} == {
        "partner send → vte consume": 2.0, "vte consume → vte commit": 7.0, "vte commit → relay publish": 1.0,
        "relay publish → broker ack": 3.0, "broker ack → reporting consume": 2.0,
        "reporting consume → reporting commit": 9.0, "reporting commit → SSE message": 5.0,
    }  # fmt: skip
    assert hops[TOTAL]["p50_ms"] == 24.0 and found["complete"] == 1


def test_an_event_whose_spans_did_not_arrive_counts_in_no_hop_and_the_table_says_so():
    [line] = timelines([], {TRACE: 1 * MS})
    found = budget([line], settings_in_force({}))
    assert all(h["samples"] == 0 and h["p50_ms"] is None for h in found["hops"]) and found["complete"] == 0
    table = budget_table(found)
    assert all(f"| {name} | 0 | — | — |" in table for name in HOPS)


def test_the_waits_column_names_the_settings_the_services_run_with():
    found = budget(
        [], settings_in_force({"TDI_VTE_CONSUMER_BATCH_TIMEOUT_MS": "7", "TDI_VTE_RELAY_POLL_INTERVAL_S": "2"})
    )
    waits = {h["hop"]: h["waits"] for h in found["hops"]}
    assert "consumer_batch_timeout_ms=7" in waits["partner send → vte consume"]
    assert "relay_poll_interval_s=2.0" in waits["vte commit → relay publish"]
    assert "consumer_batch_timeout_ms=100" in waits["broker ack → reporting consume"]  # reporting's default


def test_a_traced_partner_record_carries_one_sampled_traceparent_of_a_new_trace():
    record = PartnerRecord("t", None, b"{}", [("ce_id", b"1"), ("traceparent", b"00-old-old-00")], "REF-1")
    again, trace_id = traced(record)
    [header] = [v for k, v in again.headers if k == "traceparent"]
    version, trace, span, flags = header.decode().split("-")
    assert (version, trace, flags) == ("00", trace_id, "01") and len(trace) == 32 and len(span) == 16
    assert ("ce_id", b"1") in again.headers and POINTS[0] == "partner send"
