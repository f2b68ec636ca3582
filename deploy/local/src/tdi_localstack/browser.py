"""Browser tests' page: Playwright driving Debian's headless Chromium (`/usr/bin/chromium`), nothing downloaded.

Playwright's own browser builds are never fetched: the page is launched on the system binary given.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
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
FRENCH = {"LANGUAGE": "fr"}
"""The browser in French, as the dashboard's users have it (a date field reads JJ/MM/AAAA): Debian's `chromium`
wrapper takes its language from the environment, with the `chromium-l10n` package (`make browser` installs it)."""


class Page:
    """One tab of a headless Chromium: `async with Page(binary) as page: await page.goto(url)`."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.exceptions: list[str] = []  # uncaught errors of the page's scripts
        self.console_errors: list[str] = []  # errors the browser reported (e.g. a Content-Security-Policy refusal)
        self.blocked: list[str] = []  # requests aborted by `loopback_only`
        self.requests: list[str] = []  # every URL the page asked for

    async def __aenter__(self) -> Page:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.binary, args=list(CHROMIUM_FLAGS), env={**os.environ, **FRENCH}
        )
        self._page = await self._browser.new_page()  # no `locale=`: it would put the date fields back in English
        self._page.on("request", lambda request: self.requests.append(request.url))
        self._page.on("pageerror", lambda error: self.exceptions.append(str(error)[:500]))
        self._page.on("console", lambda m: self.console_errors.append(m.text[:500]) if m.type == "error" else None)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._browser.close()
        await self._playwright.stop()

    async def goto(self, url: str) -> None:
        await self._page.goto(url)

    async def loopback_only(self, *, csp: str | None = None) -> None:
        """Cut the network: every request to a host other than 127.0.0.1 is aborted and listed in `blocked`.

        With `csp`, every answer from 127.0.0.1 carries that Content-Security-Policy header, as a hardened
        deployment would send it.
        """
        from urllib.parse import urlsplit

        async def handle(route: Any) -> None:
            url = route.request.url
            if urlsplit(url).hostname != "127.0.0.1":
                self.blocked.append(url)
                await route.abort("internetdisconnected")
            elif csp is None:
                await route.continue_()
            else:
                answer = await route.fetch()
                await route.fulfill(response=answer, headers={**answer.headers, "content-security-policy": csp})

        await self._page.route("**/*", handle)

    async def wait_for(self, expression: str, timeout_s: float = 60.0) -> Any:
        """The value of `expression` once it is truthy; TimeoutError after `timeout_s`.

        Polled with `evaluate` (DevTools, exempt from the page's CSP): Playwright's `wait_for_function` evaluates
        its predicate inside the page, which a CSP without 'unsafe-eval' refuses.
        """
        deadline = time.monotonic() + timeout_s
        while not (value := await self.evaluate(expression)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"still falsy after {timeout_s:.0f}s: {expression[:200]}")
            await asyncio.sleep(0.2)
        return value

    async def add_script(self, path: Path) -> None:
        """Run a script file of the tests in the page (e.g. axe-core) through DevTools: the page's own
        Content-Security-Policy, which refuses inline scripts, stays as it is."""
        source = await asyncio.to_thread(path.read_text, encoding="utf-8")
        await self._page.evaluate(source)

    async def press(self, key: str) -> None:
        """A key pressed on the keyboard (`Tab`, `Enter`…), as a user would."""
        await self._page.keyboard.press(key)

    async def rewrite_json(self, pattern: str, change: Any) -> None:
        """Answers of URLs matching `pattern` reach the page as `change(the JSON the server sent)`."""
        import json

        async def handle(route: Any) -> None:
            answer = await route.fetch()
            await route.fulfill(response=answer, json=change(json.loads(await answer.text())))

        await self._page.route(pattern, handle)

    async def evaluate(self, expression: str) -> Any:
        return await self._page.evaluate(expression)

    async def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        await self._page.set_viewport_size({"width": width, "height": height})

    async def screenshot(self, path: Path) -> Path:
        """The whole page, as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        await self._page.screenshot(path=str(path), full_page=True)
        return path
