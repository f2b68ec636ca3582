"""The cluster's network namespaces: nothing of a killed run stays behind, nothing of a live run is touched."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tdi_localstack.kafka_network import NamespaceNetwork, namespaces_available, remove_stale

pytestmark = pytest.mark.skipif(namespaces_available() is not None, reason=str(namespaces_available()))


def _namespaces() -> set[str]:
    return set(subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout.split())


def test_namespaces_and_bridge_of_a_run_killed_before_cleaning_up_are_removed_by_the_next(tmp_path) -> None:
    child = (
        "import os; from tdi_localstack.kafka_network import NamespaceNetwork; "
        "n = NamespaceNetwork(3); n.up(); print(n.netns_prefix, n.prefix, flush=True); os._exit(0)"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    netns_prefix, prefix = done.stdout.split()
    left = {n for n in _namespaces() if n.startswith(netns_prefix)}
    assert len(left) == 3, "the dead run left its namespaces (as a kill -9 would)"
    removed = remove_stale()  # what the next cluster's `up()` does first
    assert left <= set(removed) and f"{prefix}br" in removed
    assert not {n for n in _namespaces() if n.startswith(netns_prefix)}
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
    assert f"{prefix}br" not in links
    live = NamespaceNetwork(1)
    live.up()
    try:
        remove_stale()
        assert live.namespace(1) in _namespaces(), "a live run's namespaces are never taken for left-overs"
    finally:
        live.down()
    assert live.namespace(1) not in _namespaces()
