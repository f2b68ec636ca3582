"""The DS client against a local DS serving the vendored schema: token, pages, budget, 429 Retry-After."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from demarches_fake import TOKEN, FakeDemarches, at, fonds_vert_dossier
from prometheus_client import CollectorRegistry

from tdi_runtime.doors.demarches.client import (
    DemarchesAccessRefusedError,
    DemarchesClient,
    DemarchesUnavailableError,
)
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.settings import DemarchesSettings

DEMARCHE = 4242


def client(fake: FakeDemarches, slept: list[float] | None = None, **over: Any) -> DemarchesClient:
    settings = DemarchesSettings(token=over.pop("token", TOKEN), endpoint="http://ds.test/api/v2/graphql", **over)

    async def sleep(seconds: float) -> None:
        (slept if slept is not None else []).append(seconds)

    metrics = DemarchesMetrics(CollectorRegistry(), "funding")
    return DemarchesClient(settings, metrics, sleep=sleep, transport=httpx.ASGITransport(app=fake.app))


def fake_with(n: int) -> FakeDemarches:
    fake = FakeDemarches({DEMARCHE})
    for i in range(n):
        fake.put(fonds_vert_dossier(1000 + i, "en_construction", at(i)))
    return fake


async def test_pages_follow_the_cursor_until_the_last_and_keep_the_ds_order() -> None:
    fake = fake_with(5)
    seen: list[int] = []
    async with client(fake, page_size=2) as ds:
        after = None
        while True:
            page = await ds.changed_dossiers(DEMARCHE, at(-60), after)
            seen += [d.number for d in page.nodes]
            if not page.page_info.has_next_page:
                break
            after = page.page_info.end_cursor
    assert seen == [1000, 1001, 1002, 1003, 1004]
    assert [r["first"] for r in fake.requests] == [2, 2, 2]


async def test_only_dossiers_changed_since_the_time_given_are_read() -> None:
    fake = fake_with(5)
    async with client(fake) as ds:
        page = await ds.changed_dossiers(DEMARCHE, at(3), None)
    assert [d.number for d in page.nodes] == [1003, 1004]


async def test_a_429_is_waited_for_as_long_as_retry_after_says_then_the_page_comes() -> None:
    fake = fake_with(1)
    fake.forced.append((429, {"Retry-After": "7", "RateLimit-Remaining": "0"}))
    slept: list[float] = []
    async with client(fake, slept) as ds:
        page = await ds.changed_dossiers(DEMARCHE, at(-60), None)
        statuses = {
            s.labels["status"]: s.value
            for m in ds.metrics.requests.collect()  # type: ignore[union-attr]
            for s in m.samples
            if s.name.endswith("_total")
        }
    assert slept == [7.0]
    assert [d.number for d in page.nodes] == [1000]
    assert statuses == {"429": 1.0, "200": 1.0}


async def test_a_retry_after_longer_than_the_setting_stops_the_round() -> None:
    fake = fake_with(1)
    fake.forced.append((429, {"Retry-After": "3600"}))
    async with client(fake, max_retry_after_s=120) as ds:
        with pytest.raises(DemarchesUnavailableError, match="3600"):
            await ds.changed_dossiers(DEMARCHE, at(-60), None)


async def test_a_refused_token_is_told_apart_from_an_outage() -> None:
    fake = fake_with(1)
    async with client(fake, token="un-autre-jeton") as ds:
        with pytest.raises(DemarchesAccessRefusedError):
            await ds.changed_dossiers(DEMARCHE, at(-60), None)
    fake.forced.append((503, {}))
    async with client(fake) as ds:
        with pytest.raises(DemarchesUnavailableError):
            await ds.changed_dossiers(DEMARCHE, at(-60), None)


async def test_one_dossier_is_read_by_its_number_and_an_unknown_one_is_none() -> None:
    fake = fake_with(2)
    async with client(fake) as ds:
        found = await ds.dossier(1001)
        assert found is not None and found.number == 1001
        assert await ds.dossier(99) is None


async def test_the_time_is_read_to_the_second_as_ds_gives_it() -> None:
    fake = fake_with(1)
    async with client(fake) as ds:
        page = await ds.changed_dossiers(DEMARCHE, at(-60), None)
    assert page.nodes[0].updated_at == at(0).replace(microsecond=0)
