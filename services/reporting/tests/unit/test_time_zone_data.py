"""Reporting reads dates in Paris time (`asof.PARIS`, the report): the container images carry no system time zone
database (a slim Debian base), so the zone must come with the package itself (PyPI's `tzdata`)."""

from __future__ import annotations

from importlib.metadata import requires


def test_reporting_brings_its_own_time_zone_data_for_images_without_a_system_one():
    declared = {
        r.split(">")[0].split("=")[0].split("<")[0].split(";")[0].strip() for r in requires("tdi-reporting") or []
    }
    assert "tzdata" in declared
