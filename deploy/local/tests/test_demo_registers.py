"""The demo's registers (issue 24): synthetic sites, écoles and regional posts, labelled so, sent through the real
HTTP doors with an Idempotency-Key each, and the one sourced laureate (Bourg-en-Bresse, P:642-644) unlabelled."""

from __future__ import annotations

from typing import Any

from tdi_localstack.demo_registers import demo_requests, registers_line


def test_every_synthetic_entry_says_so_and_the_sourced_laureate_cites_its_line() -> None:
    requests = demo_requests()
    paths = [path for path, _, _ in requests]
    assert sum(p == "/sites" for p in paths) == 20
    assert sum(p == "/ecoles-de-production" for p in paths) == 5
    assert sum(p.endswith("/chefs-de-projet-regionaux") for p in paths) == 3
    for path, body, _ in requests:
        if path.endswith("/rebond-industriel"):
            assert body["synthetic"] is False and "l. 644" in body["source"]
        else:
            assert body.get("synthetic", True) is True
            assert "(démo synthétique)" in body.get("name", "(démo synthétique)")


def test_each_request_has_its_own_idempotency_key_so_a_second_run_changes_nothing() -> None:
    keys = [key for _, _, key in demo_requests()]
    assert len(keys) == len(set(keys)) and all(k.startswith("demo-v1-") for k in keys)


def test_the_demo_sites_make_one_region_in_range_one_below_and_one_above_five_to_ten__P580() -> None:
    from tdi_territory.registers.handlers import region_of_commune

    per_region: dict[str | None, int] = {}
    for path, body, _ in demo_requests():
        if path == "/sites":
            region = region_of_commune(body["commune_insee"])
            per_region[region] = per_region.get(region, 0) + 1
    assert per_region == {"44": 6, "53": 3, "84": 11}


def test_the_line_says_what_was_recorded_and_what_was_refused() -> None:
    answers: dict[str, Any] = {"201": 29, "409 REBOND_LAUREATE_ALREADY_RECORDED": 1}
    assert registers_line(answers) == (
        "registers: 29 entries recorded (sites clés en main, écoles de production, regional chefs de projet,"
        " Rebond laureate), 1 refused (409 REBOND_LAUREATE_ALREADY_RECORDED: 1)"
    )
