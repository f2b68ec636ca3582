"""Reduced fault scenarios 1, 2, 3, 7, 8, 9 (the full ones: `make faults`): nothing lost, doubled, over-committed."""

from __future__ import annotations

import pytest

from tdi_localstack.faults import scenarios_core as core

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(600)]


def test_services_killed_each_after_progress_lose_and_double_nothing(fault_run):
    report = core.kill_each_service(fault_run, full=False)
    report.assert_clean()
    assert report.faults == 5, "every service killed once, each after progress since its start"


def test_a_relay_killed_after_the_broker_ack_and_before_marking_rows_doubles_no_effect(fault_run):
    report = core.kill_relay_after_ack(fault_run, full=False)
    report.assert_clean()
    assert report.faults >= 1, "at least one relay died in the window between the ack and the mark"


def test_a_consumer_exiting_between_its_db_commit_and_its_offset_commit_applies_nothing_twice(fault_run):
    report = core.exit_between_db_and_offset_commit(fault_run, full=False)
    report.assert_clean()
    assert report.faults >= 1, "at least one consumer died between the two commits"


def test_poison_events_are_dead_lettered_with_a_reason_and_no_healthy_event_is_skipped(fault_run):
    report = core.poison(fault_run, full=False)
    report.assert_clean()
    assert report.figures["poison"] >= 1


def test_duplicate_and_out_of_order_partner_events_have_exactly_one_effect_each(fault_run):
    report = core.duplicates_out_of_order(fault_run, full=False)
    report.assert_clean()
    assert report.figures["duplicates"] > 0


def test_every_service_stopped_by_sigterm_under_load_exits_cleanly_and_a_restart_loses_nothing(fault_run):
    report = core.sigterm_all_under_load(fault_run, full=False)
    report.assert_clean()
    assert report.faults == 5
