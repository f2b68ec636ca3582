"""Staff HTTP commands that survive the faults: retried (same Idempotency-Key) while the service is down."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any


def call(
    base: str, path: str, token: str, body: Any = None, key: str | None = None, timeout_s: float = 600.0
) -> tuple[int, Any]:
    """POST (with a body) or GET; retried through connection errors and 5xx until `timeout_s`. (status, json)."""
    deadline, pause = time.monotonic() + timeout_s, 0.2
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    data = None if body is None else json.dumps(body).encode()
    while True:
        request = urllib.request.Request(  # noqa: S310 - the suite's loopback services
            base + path, data=data, method="GET" if data is None else "POST", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the suite's loopback services
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            content = json.loads(error.read() or b"null")
            code = content.get("code") if isinstance(content, dict) else None
            retry = error.code >= 500 or (error.code == 409 and code == "REQUEST_IN_PROGRESS")
            if not retry or time.monotonic() > deadline:
                return error.code, content
        except (OSError, urllib.error.URLError, json.JSONDecodeError):
            if time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 1.5, 2.0)
