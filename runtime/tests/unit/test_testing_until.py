"""The kit's one polling helper for tests (`tdi_runtime.testing.until`): the state's value once reached, a failure
naming what was awaited when it never is (instead of a hang), and a check's own failure at once."""

from __future__ import annotations

import asyncio

import pytest

from tdi_runtime.testing import until


def test_until_returns_the_first_truthy_value_of_an_async_or_plain_check() -> None:
    answers = iter([0, [], ["second copy"]])

    async def async_check() -> list[str] | int:
        return next(answers)

    assert asyncio.run(until(async_check, "two answers", every_s=0)) == ["second copy"]
    assert asyncio.run(until(lambda: "ready", "ready")) == "ready"


def test_a_state_never_reached_fails_naming_it_instead_of_hanging() -> None:
    with pytest.raises(AssertionError, match="the relay published the outbox"):
        asyncio.run(until(lambda: False, "the relay published the outbox", timeout_s=0, every_s=0))


def test_a_check_that_fails_ends_the_wait_with_its_own_failure() -> None:
    def process_alive() -> bool:
        raise AssertionError("the probe exited: its log tail")

    with pytest.raises(AssertionError, match="the probe exited"):
        asyncio.run(until(process_alive, "500 events applied"))
