"""The API documentation of each of the five services, in a real headless Chromium with the network cut.

Every request to a host other than 127.0.0.1 is aborted, and every answer carries the Content-Security-Policy
`default-src 'self'` a hardened deployment sends: `/docs` must still render each route of the service's OpenAPI
document as an operation block, from files the service serves itself.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest

from tdi_localstack.browser import CHROMIUM, Page
from tdi_localstack.platform import RunningService, start_services, stop_services, wait_ready

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(420),
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (Debian: apt-get install -y chromium)"),
]
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
RENDERED = """(() => {
  const blocks = [...document.querySelectorAll('#swagger-ui .opblock')];
  return blocks.length >= %d && blocks.map(b =>
    b.querySelector('.opblock-summary-method').textContent.trim().toLowerCase() + ' ' +
    b.querySelector('.opblock-summary-path').getAttribute('data-path'));
})()"""


def _operations(service: RunningService) -> set[str]:
    with urllib.request.urlopen(f"{service.url}/openapi.json", timeout=30) as answer:
        paths = json.loads(answer.read())["paths"]
    return {f"{method} {path}" for path, item in paths.items() for method in item if method in METHODS}


async def test_the_api_docs_of_each_service_show_its_routes_with_the_network_cut(platform_stack, tmp_path):
    assert CHROMIUM is not None
    services = start_services(platform_stack, tmp_path)
    try:
        await asyncio.to_thread(wait_ready, services, 240)
        for service in services:
            operations = _operations(service)
            assert operations, f"{service.name} documents its routes"
            async with Page(CHROMIUM) as page:
                await page.loopback_only(csp="default-src 'self'")
                await page.goto(f"{service.url}/docs")
                shown = await page.wait_for(RENDERED % len(operations), timeout_s=120)
                title = await page.evaluate("document.title")
                print(f"\n[docs] {service.name}: {len(shown)} operations rendered offline ({title})")
                for error in page.console_errors:  # e.g. CSS data: images a strict img-src refuses (cosmetic)
                    print(f"  browser said: {error}")
                assert set(shown) == operations
                assert page.blocked == [], f"{service.name}'s /docs asked for something outside the service"
                assert page.exceptions == []
                refused_scripts = [e for e in page.console_errors if "Content Security Policy" in e and "script" in e]
                assert refused_scripts == []
    finally:
        stop_services(services)
    assert all(s.process.poll() is not None for s in services), "every service stopped with the test"
