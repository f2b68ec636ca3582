"""Reduced scenarios 4 and 5 (the full ones: `make faults`): the broker, then PostgreSQL, killed -9 mid-stream."""

from __future__ import annotations

import pytest

from tdi_localstack.faults import scenarios_infra as infra

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(900)]


def test_a_broker_killed_mid_stream_and_restarted_loses_no_acknowledged_write(fault_run):
    report = infra.broker_kill(fault_run, full=False)
    report.assert_clean()
    assert report.faults == 1
    assert report.figures["acknowledged_missing"] == 0
    assert all("broker" in reason for reason in report.figures["readyz_while_down"])


def test_a_database_killed_mid_stream_is_retried_by_every_service_and_dead_letters_nothing(fault_run):
    report = infra.database_kill(fault_run, full=False)
    report.assert_clean()
    assert report.faults == 1
    assert report.figures["internal_dead_letters"] == 0
    assert all("database" in reason for reason in report.figures["readyz_while_down"])
