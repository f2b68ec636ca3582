"""Drain before exit: on SIGTERM a service behind a load balancer first says it is not ready, keeps serving for the
drain period (`ServiceSettings.drain_s`) while the balancer stops sending it requests, then shuts down gracefully
(uvicorn stops accepting, finishes in-flight requests, then the lifespan stops consumers, relay and pool).

Kubernetes removes a terminating pod from its Service's endpoints by itself, but the news reaches kube-proxy and
ingress controllers a little later: without a drain, requests sent meanwhile are refused.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from types import FrameType

import structlog
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

log = structlog.get_logger(__name__)


class Drain:
    """The drain's state, shared by the server (which starts it) and the gate (which answers /readyz)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.until: float | None = None

    @property
    def draining(self) -> bool:
        return self.until is not None

    def start(self) -> None:
        self.until = time.monotonic() + self.seconds


class DrainGate:
    """Plain ASGI: while draining, `GET /readyz` answers 503 at once (no database round trip); all else goes on."""

    def __init__(self, app: ASGIApp, drain: Drain) -> None:
        self.app, self.drain = app, drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.drain.until is None or scope["type"] != "http" or scope["path"] != "/readyz":
            await self.app(scope, receive, send)
            return
        left = max(0.0, self.drain.until - time.monotonic())
        body = {"status": "not ready", "checks": {"shutdown": f"draining: stopping in {left:.1f} s"}}
        await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})


class DrainingServer(uvicorn.Server):
    """uvicorn, whose first SIGTERM starts the drain and only then (after `drain.seconds`) its graceful shutdown.
    A second signal, or Ctrl-C, stops at once as before."""

    def __init__(self, config: uvicorn.Config, drain: Drain) -> None:
        super().__init__(config)
        self.drain = drain

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig != signal.SIGTERM or self.drain.seconds <= 0 or self.drain.draining:
            super().handle_exit(sig, frame)
            return
        self.drain.start()
        log.warning("service_draining", drain_s=self.drain.seconds)
        timer = threading.Timer(self.drain.seconds, super().handle_exit, (sig, frame))
        timer.daemon = True
        timer.start()
