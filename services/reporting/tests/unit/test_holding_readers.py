"""Reporting holds its readers (issue 22 #7): streams are capped per caller and in all, expensive calls are
rate-limited per caller, and one change notifier wakes every stream (none polls)."""

from __future__ import annotations

import asyncio

import pytest

from tdi_reporting.feed import FiguresCache
from tdi_reporting.limits import RateLimiter, StreamSlots
from tdi_reporting.notifier import ChangeNotifier
from tdi_runtime.errors import DomainError


def refused(call, *args) -> tuple[int, str, str | None]:
    with pytest.raises(DomainError) as error:
        call(*args)
    return error.value.http_status, error.value.code, (error.value.headers or {}).get("Retry-After")


def test_streams_above_the_callers_cap_get_429_and_above_the_total_cap_503_each_with_retry_after():
    slots = StreamSlots(total=3, per_caller=2)
    a1, a2 = slots.take("a"), slots.take("a")
    assert refused(slots.take, "a") == (429, "TOO_MANY_STREAMS", "5")
    b1 = slots.take("b")
    assert refused(slots.take, "c") == (503, "STREAMS_FULL", "5")
    a1.release()
    a1.release()  # releasing twice frees one place only
    c1 = slots.take("c")
    assert slots.open == 3 and refused(slots.take, "d")[1] == "STREAMS_FULL"
    for slot in (a2, b1, c1):
        slot.release()
    assert slots.open == 0


def test_a_caller_over_its_rate_gets_429_with_the_seconds_to_wait_and_others_are_not_slowed():
    clock = [1000.0]
    limiter = RateLimiter(per_minute=60, burst=3, clock=lambda: clock[0])
    for _ in range(3):
        limiter.take("exports", "a")
    status, code, retry = refused(limiter.take, "exports", "a")
    assert (status, code) == (429, "RATE_LIMITED") and retry == "1"
    limiter.take("exports", "b")  # another caller has its own bucket
    limiter.take("figures", "a")  # and another route class too
    clock[0] += 1.0  # one token back per second at 60 a minute
    limiter.take("exports", "a")
    assert refused(limiter.take, "exports", "a")[1] == "RATE_LIMITED"


async def test_one_change_wakes_every_waiting_stream_at_once():
    notifier = ChangeNotifier(read_cursor=None)
    waiting = [asyncio.create_task(notifier.next_change(notifier.version, None)) for _ in range(50)]
    await asyncio.sleep(0)
    assert not any(t.done() for t in waiting)
    notifier.changed(1234)
    assert set(await asyncio.gather(*waiting)) == {True}
    assert notifier.cursor == 1234


async def test_a_waiting_stream_is_let_go_when_its_token_expires_even_without_change():
    notifier = ChangeNotifier(read_cursor=None)
    loop = asyncio.get_running_loop()
    assert await notifier.next_change(notifier.version, loop.time() + 0.01) is False


async def test_streams_of_the_same_view_share_one_computation_per_change():
    cache = FiguresCache()
    calls = []

    async def compute() -> str:
        calls.append(1)
        await asyncio.sleep(0)
        return "{}"

    results = await asyncio.gather(*(cache.get_or_compute(7, ("44",), compute) for _ in range(20)))
    assert results == ["{}"] * 20 and len(calls) == 1
    await cache.get_or_compute(8, ("44",), compute)
    assert len(calls) == 2
