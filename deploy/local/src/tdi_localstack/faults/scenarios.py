"""Every scenario of the suite: the `SCENARIOS` of each `scenarios_*.py` module of this package."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from tdi_localstack import faults
from tdi_localstack.faults.harness import FaultPlatform
from tdi_localstack.faults.report import ScenarioReport

Scenario = Callable[[FaultPlatform, bool], ScenarioReport]


def cluster_scenarios() -> dict[str, Scenario]:
    """The scenarios of issue 28 (c1-c5), which run on the cluster platform (`cluster.fault_cluster`): the
    `CLUSTER_SCENARIOS` of each `scenarios_cluster*.py` module."""
    found: dict[str, Scenario] = {}
    for module in pkgutil.iter_modules(faults.__path__):
        if module.name.startswith("scenarios_cluster"):
            found |= importlib.import_module(f"tdi_localstack.faults.{module.name}").CLUSTER_SCENARIOS
    return dict(sorted(found.items()))


def all_scenarios() -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    for module in pkgutil.iter_modules(faults.__path__):
        if module.name.startswith("scenarios_"):
            found |= importlib.import_module(f"tdi_localstack.faults.{module.name}").SCENARIOS
    return dict(sorted(found.items(), key=lambda item: int(item[0]) if item[0].isdigit() else 99))
