"""HTTP commands made safe to retry: the same Idempotency-Key gets the first answer again, not a second effect.

Only an authenticated caller's key is read: a POST without a valid bearer token goes straight to its route (which
answers 401) and never writes a row. A caller holds at most `idempotency_max_keys_per_caller` live keys (platform
rule, 10,000: answered keys are kept `retention_idempotency`, 7 days); past it, a new key is answered 429
`TOO_MANY_IDEMPOTENCY_KEYS` with `Retry-After` (when its oldest key is forgotten), while its known keys still replay.

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
import time

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.auth import authenticate
from tdi_runtime.errors import DomainError, is_transient

log = structlog.get_logger(__name__)

HEADER = "Idempotency-Key"

_RESERVE = (
    "INSERT INTO http_requests (scope, key, digest, reserved_until)"
    " VALUES ($1, $2, $3, now() + make_interval(secs => $4))"
    " ON CONFLICT (scope, key) DO UPDATE SET reserved_until = EXCLUDED.reserved_until, created_at = now()"
    " WHERE http_requests.status IS NULL AND http_requests.digest = EXCLUDED.digest"
    " AND coalesce(http_requests.reserved_until, http_requests.created_at + make_interval(secs => $4)) < now()"
    " RETURNING xmax = 0"
)
"""Reserve the key (true: a new key), or take over a stale reservation of the same request (false: its first run
never answered)."""
_LIVE_KEYS = "SELECT count(*) FROM (SELECT 1 FROM http_requests WHERE scope = $1 LIMIT $2) AS live"
_OLDEST_EXPIRES_IN = (
    "SELECT ceil(extract(epoch FROM min(created_at) + make_interval(secs => $2) - now()))::bigint"
    " FROM http_requests WHERE scope = $1"
)


class LiveKeys:
    """How many keys each caller holds: counted in the table at most every `recount_s`, and in between by the
    reservations this process made (replicas add theirs at the next count). One bounded count per caller and
    period, instead of one per command."""

    def __init__(self, limit: int, recount_s: float = 10.0) -> None:
        self.limit, self.recount_s = limit, recount_s
        self._known: dict[str, tuple[float, int]] = {}

    async def full(self, pool: asyncpg.Pool, caller: str) -> bool:
        now = time.monotonic()
        counted_at, count = self._known.get(caller, (float("-inf"), 0))
        if now - counted_at >= self.recount_s:
            if len(self._known) > 10_000:  # forget callers not seen lately
                self._known = {c: v for c, v in self._known.items() if now - v[0] < self.recount_s}
            count = int(await pool.fetchval(_LIVE_KEYS, caller, self.limit))
            self._known[caller] = (now, count)
        return count >= self.limit

    def add(self, caller: str) -> None:
        counted_at, count = self._known.get(caller, (float("-inf"), 0))
        self._known[caller] = (counted_at, count + 1)


def _refusal(status: int, code: ErrorCode, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code.value, "message": REASONS[code]}, status_code=status, headers=headers)


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


_KNOWN = "SELECT true FROM http_requests WHERE scope = $1 AND key = $2"


async def _too_many_keys(pool: asyncpg.Pool, caller: str, retention_s: float) -> Response:
    """429 until the caller's oldest key is forgotten by retention (at least a second)."""
    wait = await pool.fetchval(_OLDEST_EXPIRES_IN, caller, retention_s)
    return _refusal(429, ErrorCode.TOO_MANY_IDEMPOTENCY_KEYS, {"Retry-After": str(max(int(wait or 1), 1))})


def install_idempotency(app: FastAPI) -> None:
    app.add_middleware(IdempotencyMiddleware)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _authenticated(scope: Scope) -> bool:
    """Whether the request carries a valid bearer token (the route itself still checks the caller's rights)."""
    scheme, _, token = (_header(scope, b"authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    try:
        await authenticate(token.strip(), scope["app"].state.runtime.settings)
    except DomainError:
        return False
    return True


class IdempotencyMiddleware:
    """Plain ASGI (no `BaseHTTPMiddleware`): anything but an authenticated POST with the header goes straight
    through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.live_keys: LiveKeys | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" and scope["method"] == "POST" else None
        if key is None or not await _authenticated(scope):
            await self.app(scope, receive, send)  # an anonymous command never writes: its route answers 401
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
        if self.live_keys is None:
            self.live_keys = LiveKeys(runtime.settings.idempotency_max_keys_per_caller)
        try:
            if await self.live_keys.full(pool, caller) and not await pool.fetchval(_KNOWN, caller, key):
                return await _too_many_keys(pool, caller, runtime.settings.retention_idempotency.total_seconds())
            new = await pool.fetchval(_RESERVE, caller, key, digest, ttl)
            prior = (
                None
                if new is not None
                else await pool.fetchrow(
                    "SELECT digest, status, body FROM http_requests WHERE scope = $1 AND key = $2", caller, key
                )
            )
        except Exception as error:  # outside the routes' error handlers: the database away is a 503 here too
            if not is_transient(error):
                raise
            return _refusal(503, ErrorCode.SERVICE_UNAVAILABLE, {"Retry-After": "1"})
        if new:
            self.live_keys.add(caller)
        if new is None:
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
