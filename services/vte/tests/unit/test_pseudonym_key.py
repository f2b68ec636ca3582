"""The candidates' pseudonym key (issue 22 #13): outside local mode the vte service refuses to start without a
real secret key (not empty, not the development key, at least MIN_PSEUDONYM_KEY_LENGTH characters)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tdi_runtime.settings import ConfigurationError, ServiceSettings
from tdi_vte.app import create_app
from tdi_vte.rules import DEV_PSEUDONYM_KEY, MIN_PSEUDONYM_KEY_LENGTH, VteRules

A_REAL_KEY = "k" * MIN_PSEUDONYM_KEY_LENGTH


def settings(deployment: str) -> ServiceSettings:
    return ServiceSettings.for_service("vte", deployment=deployment, database_url="postgresql://unused/x")


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (DEV_PSEUDONYM_KEY, "development key"),
        ("", "empty"),
        ("   ", "empty"),
        ("k" * (MIN_PSEUDONYM_KEY_LENGTH - 1), "at least"),
    ],
)
def test_outside_local_mode_the_service_refuses_to_start_without_a_real_pseudonym_key(key: str, why: str) -> None:
    with pytest.raises(ConfigurationError, match=why) as refused:
        create_app(settings("production"), VteRules(pseudonym_key=key))  # type: ignore[arg-type]
    assert "TDI_VTE_PSEUDONYM_KEY" in str(refused.value)


def test_a_secret_key_long_enough_starts_the_service_in_production() -> None:
    assert create_app(settings("production"), VteRules(pseudonym_key=A_REAL_KEY))  # type: ignore[arg-type]


def test_local_mode_accepts_the_development_key_but_never_an_empty_one() -> None:
    assert create_app(settings("local"), VteRules())
    with pytest.raises(ConfigurationError, match="empty"):
        create_app(settings("local"), VteRules(pseudonym_key=""))  # type: ignore[arg-type]


def test_the_command_line_says_why_it_refuses_to_start_and_exits_without_a_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDI_")}
    env |= {"TDI_DEPLOYMENT": "production", "DATABASE_URL": "postgresql://unused/x"}
    done = subprocess.run(
        [sys.executable, "-m", "tdi_vte"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "TDI_VTE_PSEUDONYM_KEY" in done.stderr and "Traceback" not in done.stderr
