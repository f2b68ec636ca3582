"""`python -m tdi_localstack.faults [--full] [--only 1 2 ...]`: the fault suite on a platform of its own."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import typer

from tdi_localstack.faults.cluster import fault_cluster
from tdi_localstack.faults.harness import FaultPlatform, fault_platform
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.scenarios import Scenario, all_scenarios, cluster_scenarios

app = typer.Typer(add_completion=False)


@app.command()
def run(
    full: bool = typer.Option(False, "--full", help="The full suite (about 30 min) instead of the reduced one"),
    only: list[str] = typer.Option([], "--only", help="Scenarios to run, e.g. 4 or c1 (repeat the option)"),
    keep: bool = typer.Option(False, "--keep", help="Keep the logs and data folder"),
) -> None:
    """Run the scenarios; exits 1 when any reports a lost, doubled or over-committed event."""
    # The suite's own clients meet the outages it causes and retry: their connection errors are expected noise
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    scenarios = {k: v for k, v in all_scenarios().items() if not only or k in only}
    clustered = {k: v for k, v in cluster_scenarios().items() if not only or k in only}
    began, reports = time.monotonic(), list[ScenarioReport | None]()
    folder = tempfile.mkdtemp(prefix="tdi-faults-")
    try:
        names = ", ".join([*scenarios, *clustered])
        typer.echo(f"fault suite ({'full' if full else 'reduced'}): scenarios {names} in {folder}")
        if scenarios:
            with fault_platform(Path(folder) / "single") as platform:
                reports += _run(platform, scenarios, full)
        if clustered:  # three brokers, a standby, two instances of each service (issue 28)
            with fault_cluster(Path(folder) / "cluster") as cluster:
                rss = cluster.rss_mib()
                typer.echo(f"[faults] cluster platform resident memory: {sum(rss.values())} MiB {rss}")
                reports += _run(cluster, clustered, full)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    typer.echo(f"\nfault suite done in {time.monotonic() - began:.0f}s")
    for report in reports:
        if report is not None:
            typer.echo(report.line())
            for problem in report.problems[:10]:
                typer.echo(f"    {problem}")
    sys.exit(0 if reports and all(r is not None and r.clean for r in reports) else 1)


def _run(platform: FaultPlatform, scenarios: dict[str, Scenario], full: bool) -> list[ScenarioReport | None]:
    reports = list[ScenarioReport | None]()
    for number, scenario in scenarios.items():
        try:
            reports.append(scenario(platform, full))
        except Exception as error:  # one scenario's failure is reported; the others still run
            typer.echo(f"[faults] scenario {number} FAILED: {error!r}\n{traceback.format_exc()}")
            reports.append(None)
    return reports


if __name__ == "__main__":
    app()
