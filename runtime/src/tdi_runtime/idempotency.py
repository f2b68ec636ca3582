"""HTTP commands made safe to retry: the same Idempotency-Key gets the first answer again, not a second effect.

A POST carrying `Idempotency-Key` reserves the key (per caller) before it runs and stores its answer after;
a retry with the same request replays that answer (`Idempotent-Replayed: true`); the same key with another
request is refused (`IDEMPOTENCY_KEY_REUSED`), and a retry while the first is still running waits its turn
(`REQUEST_IN_PROGRESS`). A key is never held for good:
- a 5xx answer, or an exception escaping the route, releases the key at once so the caller may try again;
- a reservation expires after `idempotency_reservation_s` (a platform rule, default 60 s): a process killed
  mid-request leaves a reservation that the next retry takes over once it is stale.
The answer is stored just after the command's own transaction: a process killed, or a database lost, in that
instant leaves a reservation whose retry, after expiry, runs the command again (the services' own uniqueness
rules guard it).
"""

from __future__ import annotations

import asyncio
import hashlib

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.errors import is_transient

log = structlog.get_logger(__name__)

HEADER = "Idempotency-Key"

_RESERVE = (
    "INSERT INTO http_requests (scope, key, digest, reserved_until)"
    " VALUES ($1, $2, $3, now() + make_interval(secs => $4))"
    " ON CONFLICT (scope, key) DO UPDATE SET reserved_until = EXCLUDED.reserved_until, created_at = now()"
    " WHERE http_requests.status IS NULL AND http_requests.digest = EXCLUDED.digest"
    " AND coalesce(http_requests.reserved_until, http_requests.created_at + make_interval(secs => $4)) < now()"
    " RETURNING 1"
)
"""Reserve the key, or take over a stale reservation of the same request (its first run never answered)."""


def _refusal(status: int, code: ErrorCode) -> JSONResponse:
    return JSONResponse({"code": code.value, "message": REASONS[code]}, status_code=status)


async def _release(pool: asyncpg.Pool, scope: str, key: str) -> None:
    try:
        await pool.execute("DELETE FROM http_requests WHERE scope = $1 AND key = $2 AND status IS NULL", scope, key)
    except Exception:  # the database is away: the reservation's expiry frees the key instead
        log.warning("idempotency_key_not_released", exc_info=True)


async def _store_answer(pool: asyncpg.Pool, scope: str, key: str, status: int, answer: bytes) -> None:
    """Keep the answer for retries. The command is already applied: if the database fails now, the caller still
    gets its answer (never a 500 for a done command); the reservation then expires like a killed process's."""
    try:
        await pool.execute(
            "UPDATE http_requests SET status = $3, body = $4, reserved_until = NULL WHERE scope = $1 AND key = $2",
            scope,
            key,
            status,
            answer,
        )
    except Exception as error:
        if not is_transient(error):
            raise
        log.warning("idempotency_answer_not_stored", key=key, exc_info=True)


def install_idempotency(app: FastAPI) -> None:
    app.add_middleware(IdempotencyMiddleware)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class IdempotencyMiddleware:
    """Plain ASGI (no `BaseHTTPMiddleware`): anything but a POST with the header goes straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" and scope["method"] == "POST" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        response = await self._answer(scope, receive, send, key)
        if response is not None:
            await response(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, key: str) -> Response | None:
        """The refusal or replay to send, or None once the command ran and its answer was sent."""
        if not (0 < len(key) <= 128 and key.isprintable()):
            return _refusal(400, ErrorCode.INVALID_IDEMPOTENCY_KEY)
        request = Request(scope, receive)
        body = await request.body()
        caller = hashlib.sha256((_header(scope, b"authorization") or "").encode()).hexdigest()[:32]
        digest = hashlib.sha256(b"\n".join([b"POST", request.url.path.encode(), body])).hexdigest()
        runtime = request.app.state.runtime
        pool, ttl = runtime.pool, float(runtime.settings.idempotency_reservation_s)
        try:
            reserved = await pool.fetchval(_RESERVE, caller, key, digest, ttl)
            prior = (
                None
                if reserved
                else await pool.fetchrow(
                    "SELECT digest, status, body FROM http_requests WHERE scope = $1 AND key = $2", caller, key
                )
            )
        except Exception as error:  # outside the routes' error handlers: the database away is a 503 here too
            if not is_transient(error):
                raise
            response = _refusal(503, ErrorCode.SERVICE_UNAVAILABLE)
            response.headers["Retry-After"] = "1"
            return response
        if not reserved:
            if prior is None:  # released between our two reads: the caller may simply retry
                return _refusal(409, ErrorCode.REQUEST_IN_PROGRESS)
            if prior["digest"] != digest:
                return _refusal(422, ErrorCode.IDEMPOTENCY_KEY_REUSED)
            if prior["status"] is None:
                return _refusal(409, ErrorCode.REQUEST_IN_PROGRESS)
            return Response(
                prior["body"],
                status_code=prior["status"],
                media_type="application/json",
                headers={"Idempotent-Replayed": "true"},
            )
        start, chunks = await self._run(scope, body, receive, pool, caller, key)
        answer = b"".join(chunks)
        if start["status"] >= 500:
            await _release(pool, caller, key)
        else:
            await _store_answer(pool, caller, key, start["status"], answer)
        await send(start)
        await send({"type": "http.response.body", "body": answer, "more_body": False})
        return None

    async def _run(
        self, scope: Scope, body: bytes, receive: Receive, pool: asyncpg.Pool, caller: str, key: str
    ) -> tuple[Message, list[bytes]]:
        """Run the command with the body already read; keep its answer until it is stored."""
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # the client's disconnect, if the route waits for it
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, replay, keep)
        except BaseException:
            await asyncio.shield(_release(pool, caller, key))
            raise
        return start, chunks
