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

**In the command's own transaction** (issue 27): a route marked `@answers_from_its_command` (it answers only from
what its one command returned: no read or write on another connection after it) that this process has seen run its
one command through the kit's pipeline (`Pipeline.run`) has its next keyed requests open one transaction before the
route runs: the key is held there by a transaction-scoped advisory lock (a same-key request meanwhile is refused
`REQUEST_IN_PROGRESS`, as a reservation row made it), the pipeline applies the command in it
(`pipeline.RequestTransaction`), and the answer is written in it just before the one commit: state, outbox and
answer together, or nothing. A killed process or a lost connection frees the key with the transaction. A command
refused (4xx) rolls back what it wrote and its answer is kept just after; a 5xx keeps nothing. Other routes (and
the first keyed request of each route) keep the reservation row, stored just after the command's transaction
(a process killed in that instant leaves a reservation whose retry, after expiry, runs the command again: the
services' own uniqueness rules guard it). Both ways honour each other: the reservation takes the same lock.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.auth import authenticate
from tdi_runtime.errors import DomainError, is_transient
from tdi_runtime.pipeline.pipeline import REQUEST_TRANSACTION, RequestTransaction

log = structlog.get_logger(__name__)

HEADER = "Idempotency-Key"
ANSWERS_FROM_ITS_COMMAND = "tdi_answers_from_its_command"

F = TypeVar("F", bound=Callable[..., Any])


def answers_from_its_command(endpoint: F) -> F:
    """Mark a command route that answers only from what its one `Pipeline.run` returned (it reads nothing back and
    writes nothing on another connection after it): its keyed requests may then ride the command's own transaction
    (one commit for state, outbox and the key's answer). Put it under the `@router.post(...)` line."""
    setattr(endpoint, ANSWERS_FROM_ITS_COMMAND, True)
    return endpoint


_LOCK = "pg_try_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))"
"""The key held by a transaction of the command's own (see above): free once it commits or rolls back."""
_RESERVE = (
    "INSERT INTO http_requests (scope, key, digest, reserved_until)"
    f" SELECT $1, $2, $3, now() + make_interval(secs => $4) WHERE {_LOCK}"
    " ON CONFLICT (scope, key) DO UPDATE SET reserved_until = EXCLUDED.reserved_until, created_at = now()"
    " WHERE http_requests.status IS NULL AND http_requests.digest = EXCLUDED.digest"
    " AND coalesce(http_requests.reserved_until, http_requests.created_at + make_interval(secs => $4)) < now()"
    " RETURNING xmax = 0"
)
"""Reserve the key (true: a new key), or take over a stale reservation of the same request (false: its first run
never answered); nothing while a command's transaction holds the key."""
_HOLD = (
    f"SELECT {_LOCK} AS free, r.digest, r.status, r.body,"
    " r.status IS NULL AND coalesce(r.reserved_until, r.created_at + make_interval(secs => $3)) >= now() AS live"
    " FROM (VALUES (1)) AS one LEFT JOIN http_requests r ON r.scope = $1 AND r.key = $2"
)
"""In the command's transaction: hold the key, and read what it already answered (or a reservation's state)."""
_ANSWER = (
    "INSERT INTO http_requests (scope, key, digest, status, body) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (scope, key) DO UPDATE SET digest = EXCLUDED.digest, status = EXCLUDED.status,"
    " body = EXCLUDED.body, reserved_until = NULL, created_at = now() WHERE http_requests.status IS NULL"
)
"""The answer kept (over a stale reservation it took over; never over another answer)."""
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


def _route_path(scope: Scope) -> str:
    """The request's path as routes match it (below the app's root path)."""
    path, root = str(scope["path"]), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


def _replay(status: int, body: bytes) -> Response:
    return Response(body, status_code=status, media_type="application/json", headers={"Idempotent-Replayed": "true"})


def _known_answer(prior: asyncpg.Record | None, digest: str) -> Response | None:
    """What a key already seen answers: 422 for another request, 409 while its first run is live, its answer."""
    if prior is None or prior["digest"] is None:
        return None
    if prior["digest"] != digest:
        return _refusal(422, ErrorCode.IDEMPOTENCY_KEY_REUSED)
    if prior["status"] is not None:
        return _replay(prior["status"], prior["body"])
    if prior["live"]:
        return _refusal(409, ErrorCode.REQUEST_IN_PROGRESS)
    return None  # a stale reservation of the same request: taken over


class IdempotencyMiddleware:
    """Plain ASGI (no `BaseHTTPMiddleware`): anything but an authenticated POST with the header goes straight
    through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.live_keys: LiveKeys | None = None
        self.pipeline_routes: dict[str, re.Pattern[str]] = {}
        """Routes (path template → its pattern) seen running their command through the pipeline: their keyed
        requests are served in the command's transaction."""

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
        pool = runtime.pool
        if self.live_keys is None:
            self.live_keys = LiveKeys(runtime.settings.idempotency_max_keys_per_caller)
        try:
            if await self.live_keys.full(pool, caller) and not await pool.fetchval(_KNOWN, caller, key):
                return await _too_many_keys(pool, caller, runtime.settings.retention_idempotency.total_seconds())
        except Exception as error:  # outside the routes' error handlers: the database away is a 503 here too
            if not is_transient(error):
                raise
            return _refusal(503, ErrorCode.SERVICE_UNAVAILABLE, {"Retry-After": "1"})
        path = _route_path(scope)
        if any(pattern.match(path) for pattern in self.pipeline_routes.values()):
            return await self._in_transaction(scope, receive, send, body, caller, key, digest)
        return await self._reserved(scope, receive, send, body, caller, key, digest)

    async def _reserved(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        caller: str,
        key: str,
        digest: str,
    ) -> Response | None:
        """The key reserved by a row of its own, the answer stored after the command's transaction."""
        runtime = scope["app"].state.runtime
        pool, ttl = runtime.pool, float(runtime.settings.idempotency_reservation_s)
        assert self.live_keys is not None
        try:
            new = await pool.fetchval(_RESERVE, caller, key, digest, ttl)
            prior = (
                None
                if new is not None
                else await pool.fetchrow(
                    "SELECT digest, status, body, false AS live FROM http_requests WHERE scope = $1 AND key = $2",
                    caller,
                    key,
                )
            )
        except Exception as error:  # outside the routes' error handlers: the database away is a 503 here too
            if not is_transient(error):
                raise
            return _refusal(503, ErrorCode.SERVICE_UNAVAILABLE, {"Retry-After": "1"})
        if new:
            self.live_keys.add(caller)
        if new is None:  # not reserved: another request holds the key, or it was answered
            return _known_answer(prior, digest) or _refusal(409, ErrorCode.REQUEST_IN_PROGRESS)
        watch = RequestTransaction()
        token = REQUEST_TRANSACTION.set(watch)
        try:
            start, chunks = await self._run(scope, body, receive)
        except BaseException:
            await asyncio.shield(_release(pool, caller, key))
            raise
        finally:
            REQUEST_TRANSACTION.reset(token)
        self._learn(scope, watch)
        answer = b"".join(chunks)
        if start["status"] >= 500:
            await _release(pool, caller, key)
        else:
            await _store_answer(pool, caller, key, start["status"], answer)
        await send(start)
        await send({"type": "http.response.body", "body": answer, "more_body": False})
        return None

    def _learn(self, scope: Scope, watch: RequestTransaction) -> None:
        """Remember a route marked `@answers_from_its_command` that ran its one command through the pipeline (FastAPI
        leaves the route in the scope); an unmarked route, or one running several commands, is left as it is: a
        route that reads its command's effect back on another connection would not see it before the commit."""
        route = scope.get("route")
        if not getattr(getattr(route, "endpoint", None), ANSWERS_FROM_ITS_COMMAND, False):
            return
        pattern = getattr(route, "path_regex", None)
        if watch.runs == 1 and isinstance(pattern, re.Pattern) and "POST" in (getattr(route, "methods", None) or ()):
            self.pipeline_routes[str(getattr(route, "path", pattern.pattern))] = pattern

    async def _in_transaction(
        self, scope: Scope, receive: Receive, send: Send, body: bytes, caller: str, key: str, digest: str
    ) -> Response | None:
        """The key held, the command applied and its answer kept in one transaction, committed once."""
        runtime = scope["app"].state.runtime
        pool, ttl = runtime.pool, float(runtime.settings.idempotency_reservation_s)
        assert self.live_keys is not None
        unavailable = _refusal(503, ErrorCode.SERVICE_UNAVAILABLE, {"Retry-After": "1"})
        try:
            conn = await pool.acquire()
        except Exception as error:
            if not is_transient(error):
                raise
            return unavailable
        transaction = conn.transaction()
        try:
            try:
                await transaction.start()
                held = await conn.fetchrow(_HOLD, caller, key, ttl)
            except Exception as error:
                if not is_transient(error):
                    raise
                return unavailable
            assert held is not None  # one row, whatever the table holds
            if not held["free"]:
                return _refusal(409, ErrorCode.REQUEST_IN_PROGRESS)
            known = _known_answer(held, digest)
            if known is not None:
                return known
            if held["digest"] is None:
                self.live_keys.add(caller)
            request = RequestTransaction(conn)
            token = REQUEST_TRANSACTION.set(request)
            try:
                start, chunks = await self._run(scope, body, receive)
            finally:
                REQUEST_TRANSACTION.reset(token)
            answer, status = b"".join(chunks), start["status"]
            try:
                if status < 500 and not request.failed:
                    await conn.execute(_ANSWER, caller, key, digest, status, answer)
                    await transaction.commit()
                else:  # what the command wrote goes; a refusal is kept for the retry, a 5xx frees the key
                    await transaction.rollback()
                    if status < 500:
                        await _keep_refusal(conn, caller, key, digest, status, answer)
            except Exception as error:
                if not is_transient(error):
                    raise
                return unavailable  # not committed: the command is not applied, the key is free again
        finally:
            await asyncio.shield(_close(transaction, conn, pool))
        await send(start)
        await send({"type": "http.response.body", "body": answer, "more_body": False})
        return None

    async def _run(self, scope: Scope, body: bytes, receive: Receive) -> tuple[Message, list[bytes]]:
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

        await self.app(scope, replay, keep)
        return start, chunks


async def _keep_refusal(conn: Any, caller: str, key: str, digest: str, status: int, answer: bytes) -> None:
    """A refused command's answer, kept just after its rolled-back transaction (a database lost in that instant
    leaves nothing: the retry runs the command again and is refused again)."""
    try:
        await conn.execute(_ANSWER, caller, key, digest, status, answer)
    except Exception as error:
        if not is_transient(error):
            raise
        log.warning("idempotency_answer_not_stored", key=key, exc_info=True)


async def _close(transaction: Any, conn: Any, pool: asyncpg.Pool) -> None:
    """Roll back whatever is still open (a refusal, an exception) and give the connection back."""
    try:
        if not conn.is_closed() and conn.is_in_transaction():
            await transaction.rollback()
    except Exception:  # the connection is broken: the pool replaces it
        log.warning("idempotency_rollback_failed", exc_info=True)
    finally:
        await pool.release(conn)
