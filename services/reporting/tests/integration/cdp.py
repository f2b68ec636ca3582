"""A minimal Chrome DevTools Protocol driver for the browser test: Debian's headless Chromium, no download."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import httpx
import websockets

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
)


class Page:
    """One tab of a headless Chromium started for the test, driven over its DevTools websocket."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.exceptions: list[str] = []
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}

    async def __aenter__(self) -> Page:
        self._profile = tempfile.TemporaryDirectory(prefix="tdi-chromium-")
        self._process = await asyncio.create_subprocess_exec(
            self.binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile.name}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self._process.stderr is not None
        port = None
        while port is None:
            line = (await asyncio.wait_for(self._process.stderr.readline(), 60)).decode()
            assert line, "chromium exited before listening"
            if found := re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line):
                port = int(found.group(1))
        async with httpx.AsyncClient() as http:
            targets = (await http.get(f"http://127.0.0.1:{port}/json/list")).json()
        url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        self._socket = await websockets.connect(url, max_size=64 * 1024 * 1024)
        self._reader = asyncio.create_task(self._read())
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._reader.cancel()
        await self._socket.close()
        self._process.terminate()
        await self._process.wait()
        self._profile.cleanup()

    async def _read(self) -> None:
        async for raw in self._socket:
            message = json.loads(raw)
            if "id" in message and message["id"] in self._pending:
                self._pending.pop(message["id"]).set_result(message)
            elif message.get("method") == "Runtime.exceptionThrown":
                self.exceptions.append(json.dumps(message["params"]["exceptionDetails"])[:500])

    async def send(self, method: str, **params: Any) -> Any:
        call_id = next(self._ids)
        self._pending[call_id] = asyncio.get_running_loop().create_future()
        await self._socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        answer = await asyncio.wait_for(self._pending[call_id], 60)
        assert "error" not in answer, answer["error"]
        return answer.get("result", {})

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        await self.send(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile
        )

    async def screenshot(self, path: Path) -> Path:
        """The whole page, as a PNG."""
        metrics = await self.send("Page.getLayoutMetrics")
        size = metrics["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
        await asyncio.to_thread(_write, path, base64.b64decode(shot["data"]))
        return path


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
