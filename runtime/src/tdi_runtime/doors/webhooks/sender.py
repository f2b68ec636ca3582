"""One POST of a signed body to a checked target: no redirect followed (a 3xx is a failure), the connection made to
the address that was checked (the Host header and TLS name stay the host's), a bounded wait. Never raises: the
outcome says what happened (status, error, the receiver's `Retry-After`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from tdi_runtime.doors.webhooks.targets import Target


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    error: str | None
    duration_ms: int
    retry_after_s: float | None = None

    @property
    def gone(self) -> bool:
        """410 Gone: the receiver says the endpoint no longer exists (Standard Webhooks: stop sending)."""
        return self.status == 410


def _pinned(target: Target) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL to connect to, the headers and the request extensions that keep the host's name."""
    if target.allowed or not target.addresses:
        return target.url, {}, {}
    address = target.addresses[0]
    netloc = f"[{address}]" if ":" in address else address
    parts = urlsplit(target.url)
    default = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default else f"{target.host}:{target.port}"
    url = urlunsplit((parts.scheme, f"{netloc}:{target.port}", parts.path or "/", parts.query, ""))
    return url, {"host": host_header}, {"sni_hostname": target.host}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


async def send(client: httpx.AsyncClient, target: Target, body: bytes, headers: dict[str, str]) -> Outcome:
    url, more_headers, extensions = _pinned(target)
    started = time.monotonic()
    try:
        response = await client.post(
            url,
            content=body,
            headers={"content-type": "application/json", **headers, **more_headers},
            extensions=extensions,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        ms = int((time.monotonic() - started) * 1000)
        return Outcome(False, None, f"{type(error).__name__}: {str(error)[:300]}", ms)
    ms = int((time.monotonic() - started) * 1000)
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code, None, ms)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}", ms, _retry_after(response))
