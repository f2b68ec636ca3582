"""Reduced scenarios 6 and 10 (the full ones: `make faults`): a rebalance storm; a slow database, a full disk."""

from __future__ import annotations

import pytest

from tdi_localstack.faults import scenarios_infra_load as load

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(900)]


def test_instances_joining_and_leaving_every_few_seconds_lose_and_double_nothing(fault_run):
    report = load.rebalance_storm(fault_run, full=False)
    report.assert_clean()
    assert report.figures["joined"] >= 1 and report.figures["left"] >= 1


def test_a_slow_database_and_a_full_disk_pause_the_services_visibly_and_lose_nothing(fault_run):
    report = load.slow_database_and_full_disk(fault_run, full=False)
    report.assert_clean()
    assert "QueryCanceledError" in report.figures["readyz"]["reporting"]
    assert "DiskFullError" in report.figures["readyz"]["funding"]
    assert report.figures["internal_dead_letters"] == 0
