"""Staff HTTP commands that survive the faults: retried (same Idempotency-Key) while the service is down."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from typing import Any


def call(
    base: str,
    path: str,
    token: str,
    body: Any = None,
    key: str | None = None,
    timeout_s: float = 600.0,
    refusals: list[str] | None = None,
) -> tuple[int, Any]:
    """POST (with a body) or GET; retried through connection errors and 502-504 until `timeout_s`. (status, body).

    The body is the JSON answer, or its text when it is not JSON (as a 500 from outside the error handlers is).
    `refusals` collects why each retried attempt was refused (the status, or the connection error's name).
    """
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
            content = _content(error.read())
            code = content.get("code") if isinstance(content, dict) else None
            # 503 is the services' "away, retry"; a 500 is a defect the checker reports, never retried into hiding
            retry = error.code in (502, 503, 504) or (error.code == 409 and code == "REQUEST_IN_PROGRESS")
            if not retry or time.monotonic() > deadline:
                return error.code, content
            if refusals is not None:
                refusals.append(str(code or error.code))
        except (OSError, urllib.error.URLError, http.client.HTTPException, json.JSONDecodeError) as error:
            if time.monotonic() > deadline:
                raise
            if refusals is not None:
                refusals.append(type(error).__name__)
        time.sleep(pause)
        pause = min(pause * 1.5, 2.0)


def _content(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")
