"""The dashboard in a real headless Chromium against the real stack: it loads, a published event changes a
figure without a reload, and screenshots at desktop and phone widths are kept as test artifacts."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
import scenario

from tdi_contracts.events.vte import VteContractSigned
from tdi_localstack.browser import CHROMIUM, Page

from .conftest import AS_STAFF, STAFF_TOKEN, eventually

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(240),
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (Debian: apt-get install -y chromium)"),
]
VTE_SIGNED = "document.querySelector('#vte-chiffres dd')?.textContent ?? ''"


async def _folded(client) -> bool:
    f = (await client.get("/api/figures")).json()
    return f["vte_total"]["contrats_signes"] >= 4 and f["fiches_actions"] > len(scenario.FICHES)


async def test_the_dashboard_shows_a_published_event_without_a_reload(served, publish):
    assert CHROMIUM is not None
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish(scenario.programme() + scenario.later_events())
        await eventually(lambda: _folded(client))
        async with Page(CHROMIUM) as page:
            await page.viewport(1280, 900)
            await page.goto(f"{base}/tableau-de-bord?region=44#access_token={STAFF_TOKEN}")
            before = await eventually(lambda: _text(page, VTE_SIGNED))
            assert await page.evaluate("document.querySelector('#perimetre').textContent") == "— Grand Est"
            assert await page.evaluate("document.querySelectorAll('#carte path').length") >= 96
            assert await page.evaluate("document.querySelectorAll('#carte rect[data-code]').length") == 5  # DROM
            await page.evaluate("window.sansRechargement = true")

            signed = VteContractSigned.model_validate_json(
                json.dumps({**json.loads(_signed().model_dump_json()), "vte_contract_id": _new_id()})
            )
            published_at = time.monotonic()
            await publish([signed])
            after = await eventually(lambda: _changed(page, VTE_SIGNED, before), timeout=30)
            print(f"\nthe page showed the event {time.monotonic() - published_at:.2f} s after it was published")
            assert int(after) == int(before) + 1
            assert await page.evaluate("window.sansRechargement === true")  # the page was never reloaded
            assert page.exceptions == []

            desktop = await page.screenshot(ARTIFACTS / "tableau-de-bord-bureau.png")
            await page.viewport(390, 844, mobile=True)
            await eventually(lambda: _text(page, VTE_SIGNED))
            phone = await page.screenshot(ARTIFACTS / "tableau-de-bord-telephone.png")
            print(f"\nscreenshots: {desktop} {phone}")
            assert desktop.stat().st_size > 10_000 and phone.stat().st_size > 10_000


def _signed() -> VteContractSigned:
    return next(e for e in scenario.vte() if isinstance(e, VteContractSigned))


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


async def _text(page: Page, expression: str) -> str:
    return str(await page.evaluate(expression) or "")


async def _changed(page: Page, expression: str, before: str) -> str | None:
    now = await _text(page, expression)
    return now if now and now != before else None
