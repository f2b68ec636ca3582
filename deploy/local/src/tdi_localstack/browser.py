"""Browser tests' page: Playwright driving Debian's headless Chromium (`/usr/bin/chromium`), nothing downloaded.

Playwright's own browser builds are never fetched: the page is launched on the system binary given.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
"""Debian's chromium, when installed (`apt-get install -y chromium`)."""
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class Page:
    """One tab of a headless Chromium: `async with Page(binary) as page: await page.goto(url)`."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.exceptions: list[str] = []  # uncaught errors of the page's scripts

    async def __aenter__(self) -> Page:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(executable_path=self.binary, args=list(CHROMIUM_FLAGS))
        self._page = await self._browser.new_page()
        self._page.on("pageerror", lambda error: self.exceptions.append(str(error)[:500]))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._browser.close()
        await self._playwright.stop()

    async def goto(self, url: str) -> None:
        await self._page.goto(url)

    async def evaluate(self, expression: str) -> Any:
        return await self._page.evaluate(expression)

    async def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        await self._page.set_viewport_size({"width": width, "height": height})

    async def screenshot(self, path: Path) -> Path:
        """The whole page, as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        await self._page.screenshot(path=str(path), full_page=True)
        return path
