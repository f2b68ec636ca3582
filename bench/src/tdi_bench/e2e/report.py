"""Goals, the terminal summary, `bench/results/<name>.json` and the table of `bench/README.md`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

GOAL_PER_S = 5_000
START, END = "<!-- bench-e2e:start -->", "<!-- bench-e2e:end -->"


def goals(document: dict[str, Any]) -> dict[str, Any]:
    """Each goal of issue 15 with its same-run reference and whether it is met."""
    base, scenarios = document["baselines"], document["scenarios"]
    found: dict[str, Any] = {}
    if "throughput" in scenarios and base:
        best = scenarios["throughput"]["best_per_s"]
        found["throughput"] = {
            "per_s": best, "goal_per_s": GOAL_PER_S, "met": best >= GOAL_PER_S,
            "of_producer_performance": round(best / base["producer_per_s"], 4),
            "of_consumer_performance": round(best / base["consumer_per_s"], 4),
        }  # fmt: skip
    if "latency" in scenarios and base:
        lat = scenarios["latency"]
        p50_goal, p99_goal = base["latency_p50_ms"] + 8, 3 * base["latency_p99_ms"] + 20
        found["latency_p50"] = {"ms": lat["p50_ms"], "goal_ms": p50_goal, "met": lat["p50_ms"] <= p50_goal}
        found["latency_p99"] = {"ms": lat["p99_ms"], "goal_ms": p99_goal, "met": lat["p99_ms"] <= p99_goal}
    if "scale_out" in scenarios:
        rates = {k: v["vte_per_s"] for k, v in scenarios["scale_out"]["instances"].items()}
        best = max(rates, key=lambda k: rates[k]) if rates else None
        found["scale_out"] = {"per_s": rates, "stops_growing_after": best}
    return found


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def _verdict(goal: dict[str, Any]) -> str:
    return "**met**" if goal["met"] else "missed"


def table(document: dict[str, Any], file_name: str) -> str:
    """The Markdown table of a run: every scenario, its same-run baseline and goal."""
    base, sc, g = document["baselines"], document["scenarios"], document["goals"]
    m = document["machine"]
    lines = [
        f"Run of {document['started']} ({document['mode']}, `results/{file_name}`): {m['cores']} cores, load "
        f"average {m['load_average_1m']} at the start and {document.get('load_average_end')} at the end, "
        f"Kafka {m['kafka']}, PostgreSQL {m['postgres']}.",
        "",
        "| scenario | platform | same-run broker baseline | ratio / goal | |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    t = g.get("throughput")
    if t:
        lines.append(
            "| 1. partner → vte → outbox → relay → reporting, events/s "
            f"(best of {len(sc['throughput']['repetitions'])}) | {t['per_s']:,.0f} | "
            f"ProducerPerformance {base['producer_per_s']:,.0f}, ConsumerPerformance "
            f"{base['consumer_per_s']:,.0f} | {t['of_producer_performance']:.3f} of producer, "
            f"{t['of_consumer_performance']:.3f} of consumer; goal ≥ {GOAL_PER_S:,}/s | {_verdict(t)} |"
        )
    if "latency_p50" in g:
        lat = sc["latency"]
        for q in ("p50", "p99"):
            goal = g[f"latency_{q}"]
            lines.append(
                f"| 2. latency send → read model, {q} ({lat['rate_per_s']:.0f}/s, {lat['received']} events) | "
                f"{goal['ms']:.1f} ms | EndToEndLatency {q} {base[f'latency_{q}_ms']:.0f} ms | goal ≤ "
                f"{goal['goal_ms']:.0f} ms | {_verdict(goal)} |"
            )
    if "sse" in sc:
        sse = sc["sse"]
        lines.append(
            f"| 2. send → dashboard SSE message (`/api/feed`), median of {sse['records']} | {sse['p50_ms']:,.0f} ms"
            f" (max {sse['max_ms']:,.0f}) | — | feed polls every 1 s | context |"
        )
    if "readers" in sc:
        streams, exports = sc["readers"]["streams"], sc["readers"]["exports"]
        last = streams["steps"][-1] if streams["steps"] else {}
        lines.append(
            f"| 4. SSE streams one reporting holds, updates ≤ {streams['goal_ms']:.0f} ms after the fold | "
            f"{streams['held']:,} (next step {last.get('streams', 0):,}: p99 {last.get('p99_ms', 0):,.0f} ms, "
            f"{last.get('missed', 0)} missed) | — | issue 22 #7 | context |"
        )
        lines.append(
            f"| 4. exports `financements.csv` per territory, {exports['concurrency']} callers | "
            f"{exports['per_s']:,.1f}/s | — | — | context |"
        )
    if "scale_out" in g:
        rates = g["scale_out"]["per_s"]
        shown = ", ".join(f"{k}: {v:,.0f}/s" for k, v in rates.items())
        lines.append(
            f"| 3. vte alone, instances on 8 partitions | {shown} | — | "
            f"best with {g['scale_out']['stops_growing_after']} | context |"
        )
    fp = sc.get("footprint", {})
    for key in sorted(fp.get("idle", {})):
        idle, load = fp["idle"][key], fp.get("load", {}).get(key)
        loaded = f"{load['rss_mib']:,.0f} MiB" if load else "—"
        lines.append(f"| 5. RSS `{key}` idle / under load | {idle['rss_mib']:,.0f} MiB / {loaded} | — | — | context |")
    return "\n".join(lines)


def update_readme(readme: Path, text: str) -> None:
    """Replace this command's section of the README (between its markers), or add it at the end."""
    current = readme.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in current and END in current:
        current = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, current, flags=re.S)
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(current, encoding="utf-8")
