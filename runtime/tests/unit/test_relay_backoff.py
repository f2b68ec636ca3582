"""The relay's wait between two failed rounds (database or broker away) doubles up to the service's setting
`retry_backoff_max_s`, not up to a figure of its own."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tdi_runtime import relay as relay_module
from tdi_runtime.relay import Relay
from tdi_runtime.settings import ServiceSettings


class _DatabaseAway:
    """A pool whose every connection attempt fails, as while PostgreSQL restarts."""

    def acquire(self) -> Any:
        raise ConnectionRefusedError("the database is away")


def _waits_of(relay: Relay, rounds: int, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the relay asks for over its first failed rounds (no real sleep); stopped after `rounds`."""
    waits: list[float] = []

    async def no_sleep(delay: float) -> None:
        waits.append(delay)
        if len(waits) >= rounds:
            relay.stop()

    monkeypatch.setattr(relay_module.asyncio, "sleep", no_sleep)
    asyncio.run(relay.run())
    return waits


@pytest.mark.parametrize("longest", [0.4, 12.0])
def test_the_relay_backs_off_by_doubling_up_to_the_setting(longest: float, monkeypatch: pytest.MonkeyPatch) -> None:
    relay = Relay(_DatabaseAway(), producer=None, schema="probe", backoff_max_s=longest)

    waits = _waits_of(relay, 10, monkeypatch)

    assert waits[:3] == [0.1, 0.2, 0.4]  # doubling from 0.1 s
    assert max(waits) == longest  # reached, never passed
    assert waits[-1] == longest
    assert relay.retrying >= 10 and "the database is away" in relay.last_error


def test_the_relay_waits_at_most_the_services_retry_backoff_by_default() -> None:
    assert Relay(_DatabaseAway(), producer=None, schema="probe").backoff_max_s == (
        ServiceSettings.model_fields["retry_backoff_max_s"].default
    )
