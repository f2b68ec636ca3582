"""Issue 22 #9: every answer carries a strict Content-Security-Policy, and what the platform serves to a browser
still works under it: the dashboard draws its map and colours its legend; the API documentation page runs its own
inline start-up script (allowed by its hash), no other inline code. Real Chromium (Debian's), real processes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tdi_localstack.browser import CHROMIUM, CHROMIUM_FLAGS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(300),
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (Debian: apt-get install -y chromium)"),
]
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample}));
"""


async def visit(url: str, ready: str) -> dict[str, Any]:
    """Open `url`, wait for the page's `ready` expression, return the violations, errors and that expression."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)[:300]))
            await page.add_init_script(WATCH)
            answer = await page.goto(url)
            assert answer is not None
            for _ in range(600):  # polled from outside: a predicate polled inside the page would need eval
                if await page.evaluate(ready):
                    break
                await asyncio.sleep(0.1)
            return {
                "policy": await answer.header_value("content-security-policy"),
                "violations": await page.evaluate("window.__violations"),
                "errors": errors,
                "ready": await page.evaluate(ready),
            }
        finally:
            await browser.close()


async def test_the_dashboard_works_under_the_content_security_policy(http_platform):
    url = f"{http_platform.urls['reporting']}/tableau-de-bord#access_token={http_platform.tokens['reader']}"
    swatch = "document.querySelector('#legende span[style]')"  # the swatch, inside its entry `span.cle`
    drawn = f"document.querySelectorAll('#carte path').length >= 96 && {swatch}"
    drawn += f" && getComputedStyle({swatch}).backgroundColor"
    seen = await visit(url, drawn)
    assert "default-src 'self'" in seen["policy"] and "frame-ancestors 'none'" in seen["policy"]
    assert seen["violations"] == [], seen["violations"]
    assert seen["errors"] == []
    assert seen["ready"] == "rgb(240, 240, 240)", "the legend's swatch is coloured by its style attribute"


async def test_the_api_documentation_runs_under_a_policy_with_no_inline_script_and_nothing_is_refused(http_platform):
    seen = await visit(f"{http_platform.urls['territory']}/docs", "document.readyState === 'complete'")
    assert seen["violations"] == [], seen["violations"]
    assert seen["policy"].split("script-src", 1)[1].split(";", 1)[0].strip() == "'self'"
