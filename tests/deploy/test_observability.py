"""The Grafana dashboard and the Prometheus alert rules only use metrics the running services expose.

The five services run for real (their own schemas on the shared PostgreSQL, the shared Kafka); the metric
names of every PromQL expression of deploy/observability are looked up in their /metrics. `promtool check
rules` runs when Debian's `prometheus` package is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tdi_actions.app import create_app as actions_app
from tdi_funding.app import create_app as funding_app
from tdi_reporting.app import create_app as reporting_app
from tdi_runtime.testing import unique_name
from tdi_territory.app import create_app as territory_app
from tdi_vte.app import create_app as vte_app

OBSERVABILITY = Path(__file__).resolve().parents[2] / "deploy" / "observability"
DASHBOARD = OBSERVABILITY / "grafana-dashboard.json"
ALERTS = OBSERVABILITY / "alerts.yaml"
APPS = {
    "territory": territory_app,
    "actions": actions_app,
    "funding": funding_app,
    "vte": vte_app,
    "reporting": reporting_app,
}
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "by", "without", "rate", "increase", "irate", "deriv", "histogram_quantile",
    "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "absent", "bool", "offset",
}  # fmt: skip
DURATION = re.compile(r"\[[0-9]+[smhdw]\]")
LABELS = re.compile(r"\{[^}]*\}")
GROUPING = re.compile(r"\b(by|without|on|ignoring)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b")


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def alert_expressions() -> list[str]:
    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return [str(rule["expr"]) for group in rules["groups"] for rule in group["rules"]]


def metric_names(expression: str) -> set[str]:
    """The metric names of a PromQL expression: identifiers that are no function, keyword or label."""
    bare = GROUPING.sub(" ", LABELS.sub(" ", DURATION.sub(" ", expression)))
    bare = re.sub(r"\b[0-9.]+(e[0-9]+)?\b", " ", bare)
    return {word for word in IDENTIFIER.findall(bare) if word not in PROMQL_WORDS}


def exposed_names(text: str) -> Iterator[str]:
    """Every sample name a family of the exposition stands for (counters' _total, histograms' _bucket...)."""
    for family in text_string_to_metric_families(text):
        suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}.get(family.type, ("",))
        yield from (family.name + suffix for suffix in suffixes)


def test_metric_names_are_read_from_promql_without_functions_labels_or_durations() -> None:
    expression = 'histogram_quantile(0.95, sum by (service, le) (rate(tdi_handler_batch_seconds_bucket{a="b"}[5m])))'
    assert metric_names(expression) == {"tdi_handler_batch_seconds_bucket"}
    assert metric_names("sum by (x) (tdi_a) / sum by (x) (tdi_b) > 0.95") == {"tdi_a", "tdi_b"}


def test_the_dashboard_covers_what_operators_watch_in_french() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    used = set().union(*(metric_names(e) for e in dashboard_expressions()))
    for needed in (
        "tdi_events_consumed_total",  # throughput
        "tdi_consumer_lag_records",  # consumer lag
        "tdi_events_dead_lettered_total",  # dead letters
        "tdi_outbox_parked_rows",  # parked outbox rows
        "tdi_handler_batch_seconds_bucket",  # handler latency
        "tdi_outbox_lag_seconds",  # outbox lag
        "tdi_funding_envelope_cents",  # envelope consumption
    ):
        assert needed in used, needed
    titles = " ".join(panel["title"] for panel in dashboard["panels"])
    assert "enveloppes" in titles and "Lettres mortes" in titles


def test_the_alert_rules_cover_lag_dead_letters_outbox_age_and_readiness() -> None:
    used = set().union(*(metric_names(e) for e in alert_expressions()))
    assert {
        "tdi_consumer_lag_records",
        "tdi_events_dead_lettered_total",
        "tdi_outbox_lag_seconds",
        "tdi_ready_check",
    } <= used


def test_promtool_accepts_the_alert_rules() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus, as root)")
    done = subprocess.run([promtool, "check", "rules", str(ALERTS)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


@pytest.mark.integration
async def test_every_metric_of_the_dashboard_and_the_alerts_is_exposed_by_the_running_services(
    run_service: Any, platform_stack: Any
) -> None:
    exposed: dict[str, set[str]] = {}
    samples: dict[str, str] = {}
    for service, create_app in APPS.items():
        async with run_service(
            create_app,
            service,
            database_url=platform_stack.database_url,
            db_schema=unique_name(f"{service}_obs"),
            start_consumers=False,  # no group of ours on the shared topics
            start_relay=False,  # nothing of this test published
        ) as (_app, client):
            assert (await client.get("/readyz")).status_code == 200
            answer = await client.get("/metrics")
            assert answer.status_code == 200
            exposed[service] = set(exposed_names(answer.text))
            samples[service] = answer.text
    everywhere = set.intersection(*exposed.values())
    anywhere = set.union(*exposed.values())
    for expression in dashboard_expressions() + alert_expressions():
        for name in metric_names(expression):
            assert name in anywhere, f"{name} (in {expression}) is exposed by no service"
            if not name.startswith("tdi_funding_"):
                assert name in everywhere, f"{name} is missing from {[s for s in exposed if name not in exposed[s]]}"
    for service in APPS:
        assert f'tdi_ready_check{{check="broker",service="{service}"}} 1.0' in samples[service]
    assert re.search(
        r'tdi_funding_envelope_cents\{amount="ceiling",envelope="[^"]+",programme="[^"]+"\} [1-9]', samples["funding"]
    )
