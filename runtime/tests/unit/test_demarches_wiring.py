"""A service opens the DS door with its translators: a démarche whose kind it cannot translate stops the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.doors.demarches.wiring import DemarchesWiring
from tdi_runtime.settings import ConfigurationError

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "ds" / "fonds-vert-ti.example.toml"


async def dispatch(command: object, caller: str, *, conn: object) -> None:
    return None


def test_a_demarche_of_a_kind_the_service_has_no_translator_for_is_refused_at_start() -> None:
    settings = DemarchesSettings(mapping_files=[EXAMPLE])
    with pytest.raises(ConfigurationError, match="fonds-vert"):
        DemarchesWiring(settings, translators={"sites-cles-en-main": lambda d, p: []}, dispatch=dispatch, caller="x")


def test_the_door_binds_each_demarche_to_its_kinds_translator() -> None:
    def translate(d: object, p: object) -> list[str]:
        return []

    wiring = DemarchesWiring(
        DemarchesSettings(mapping_files=[EXAMPLE]), translators={"fonds-vert": translate}, dispatch=dispatch, caller="x"
    )
    assert {d: b.translator for d, b in wiring.bindings.items()} == {1: translate}


def test_without_settings_files_the_door_is_closed() -> None:
    wiring = DemarchesWiring(DemarchesSettings(), translators={}, dispatch=dispatch, caller="x")
    assert wiring.bindings == {}
    assert not DemarchesSettings().enabled


def test_a_production_door_needs_its_token_and_a_short_webhook_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="TOKEN"):
        DemarchesSettings(mapping_files=[EXAMPLE]).require_secrets("production")
    DemarchesSettings(mapping_files=[EXAMPLE]).require_secrets("local")
    with pytest.raises(ValueError, match="32"):
        DemarchesSettings(webhook_secret="court")


def test_the_settings_come_from_the_services_ds_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDI_FUNDING_DS_OVERLAP", "PT10M")
    monkeypatch.setenv("TDI_FUNDING_DS_MAPPING_FILES", f'["{EXAMPLE}"]')
    settings = DemarchesSettings.for_service("funding")
    assert settings.overlap.total_seconds() == 600
    assert settings.mapping_files == [EXAMPLE]
    with pytest.raises(ValueError, match="100"):
        DemarchesSettings(page_size=500)
