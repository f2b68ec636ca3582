"""HTTP plumbing: errors as a stable code and a French sentence, health, readiness and metrics routes."""

from __future__ import annotations

import asyncio
import builtins
import re
import time
from typing import Any

import aiokafka.errors
import asyncpg
import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from opentelemetry import propagate, trace
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from tdi_contracts.field_errors import french_message
from tdi_runtime.db import pending_migrations
from tdi_runtime.errors import TRANSIENT_ERRORS, DomainError, is_transient
from tdi_runtime.http_edge import RequestTooLarge, printable
from tdi_runtime.tracing import instrument_fastapi, untraced

log = structlog.get_logger(__name__)


def error_body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


_HTTP_ERRORS = {
    400: ("MALFORMED_REQUEST", "Le corps de la requête n'est pas un document JSON valide."),
    404: ("NOT_FOUND", "Cette adresse n'existe pas."),
    405: ("METHOD_NOT_ALLOWED", "Cette méthode n'est pas permise sur cette adresse."),
    413: ("REQUEST_TOO_LARGE", "La requête est trop volumineuse."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Le contenu doit être du JSON (application/json)."),
}
"""Errors raised by the framework itself (before any route runs), with their stable code and French sentence."""

_UNTRANSLATABLE = (
    "La requête contient un caractère que la base de données ne peut pas enregistrer (par exemple l'octet nul)."
)
_OUT_OF_BOUNDS = "Une valeur de la requête est hors des limites ou du format que la plateforme peut enregistrer."
_DATA_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.DataError,  # SQLSTATE class 22, "data exception"
    asyncpg.exceptions._base.DataError,  # an argument asyncpg cannot encode (an int past int32): before the server
)
_STATUS_HEADERS = {401: {"WWW-Authenticate": "Bearer"}}
"""Headers an answer of a status always carries: a 401 says how to authenticate (RFC 6750)."""
UNAVAILABLE_REASON = "Le service est momentanément indisponible (base de données ou Kafka injoignable) ; réessayez."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(
            error_body(error.code, error.message, [error.details] if error.details else None),
            status_code=error.http_status,
            headers=error.headers or _STATUS_HEADERS.get(error.http_status),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        if isinstance(error, RequestTooLarge):  # a body read past its limit inside a route: the route's code
            return error.answer()
        code, message = _HTTP_ERRORS.get(error.status_code, ("HTTP_ERROR", "La requête n'a pas pu être traitée."))
        return JSONResponse(error_body(code, message), status_code=error.status_code, headers=error.headers)

    async def _bad_data(_: Request, error: Exception) -> JSONResponse:
        """The last guard behind the edge and the field types: a value PostgreSQL refuses as data (SQLSTATE class
        22: a NUL byte, an integer out of range, a malformed value; or one asyncpg cannot encode) came from the
        caller, so it is a 4xx with a code, never a 500. A route should refuse it first, naming the field."""
        log.warning("bad_data_reached_the_database", error=type(error).__name__, detail=str(error)[:200])
        if isinstance(error, asyncpg.CharacterNotInRepertoireError | asyncpg.UntranslatableCharacterError):
            return JSONResponse(error_body("INVALID_CHARACTER", _UNTRANSLATABLE), status_code=400)
        return JSONResponse(error_body("INVALID_REQUEST", _OUT_OF_BOUNDS), status_code=422)

    for bad_data in _DATA_ERRORS:
        app.add_exception_handler(bad_data, _bad_data)

    async def _unavailable(_: Request, error: Exception) -> JSONResponse:
        if not is_transient(error):  # e.g. a unique violation outside the inbox: a defect, a real 500
            raise error
        return JSONResponse(
            error_body("SERVICE_UNAVAILABLE", UNAVAILABLE_REASON), status_code=503, headers={"Retry-After": "1"}
        )

    for transient in TRANSIENT_ERRORS:  # the database or broker briefly away: 503, retry, never a 500
        app.add_exception_handler(transient, _unavailable)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {
                "field": printable(".".join(str(p) for p in e.get("loc", ()))),
                "code": e.get("type", "invalid"),
                "message": french_message(e),  # the same French catalogue as the partners' answers
            }
            for e in error.errors()
        ]
        names = ", ".join(f["field"] for f in fields)
        return JSONResponse(
            error_body("INVALID_REQUEST", f"La requête est invalide (champs en cause : {names}).", fields),
            status_code=422,
        )


def install_tracing(app: FastAPI) -> None:
    """Each request runs in a server span continuing the caller's W3C trace context (traceparent header): the
    stock FastAPI instrumentation when spans are exported (`tracing.instrument_fastapi`), else the kit's lean one."""
    if not instrument_fastapi(app):
        app.add_middleware(TracingMiddleware)


class TracingMiddleware:
    """Plain ASGI (no `BaseHTTPMiddleware`, which costs a task and a stream per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.tracer = trace.get_tracer("tdi_runtime.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {bytes(k).decode("latin-1"): bytes(v).decode("latin-1") for k, v in scope["headers"]}
        name = f"{scope['method']} {scope['path']}"
        with self.tracer.start_as_current_span(name, context=propagate.extract(carrier), kind=trace.SpanKind.SERVER):
            await self.app(scope, receive, send)


async def _database_answers(rt: Any) -> list[str]:
    with untraced():  # a probe every few seconds: no statement spans
        async with rt.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        return await pending_migrations(rt.pool, rt.migration_packages)


def _failure(error: str | BaseException) -> str:
    """What readiness says of a failure: its exception class and a stable code, never its text (a validation
    error quotes partner data, a connection error an address): `ValidationError (INTERNAL_ERROR)`. The text is
    in the logs (`consume_retrying`, `relay_retrying`, `readiness_check_failed`)."""
    kind: Any
    if isinstance(error, BaseException):
        name, kind = type(error).__name__, type(error)
    else:  # a stage's "Class: message"
        found = re.match(r"[A-Za-z_][A-Za-z0-9_]*", error)
        name = found.group() if found else "Exception"
        kind = next((k for m in (asyncpg.exceptions, builtins, aiokafka.errors) if (k := getattr(m, name, None))), None)
    away = isinstance(kind, type) and (
        issubclass(kind, TRANSIENT_ERRORS)
        or (issubclass(kind, aiokafka.errors.KafkaError) and bool(getattr(kind, "retriable", False)))
    )
    return f"{name} ({'SERVICE_UNAVAILABLE' if away else 'INTERNAL_ERROR'})"


def _retrying(rt: Any) -> dict[str, str]:
    """Consumers and relay stuck on a batch that keeps failing (database or broker away, a defect): not ready."""
    checks: dict[str, str] = {}
    for consumer in rt.consumers:
        if consumer.retrying:
            checks[f"consumer {consumer.group}"] = (
                f"paused, retrying ({consumer.retrying}): {_failure(consumer.last_error)}"
            )
    if rt.relay is not None and rt.relay.retrying:
        checks["relay"] = f"retrying ({rt.relay.retrying}): {_failure(rt.relay.last_error)}"
    return checks


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Alive: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @router.get("/readyz", summary="Ready: broker and database reachable, migrations applied")
    async def readyz(request: Request) -> JSONResponse:
        rt = request.app.state.runtime
        checks: dict[str, str] = {}
        timeout = rt.settings.readiness_timeout_s
        started = time.perf_counter()
        try:
            pending = await asyncio.wait_for(_database_answers(rt), timeout)  # a busy pool waits too: slow
            checks["database"] = "ok"
            checks["migrations"] = "ok" if not pending else f"pending: {', '.join(pending)}"
        except TimeoutError:
            checks["database"] = f"slow: no answer within {timeout:g} s"
        except Exception as error:
            log.warning("readiness_check_failed", check="database", error=repr(error))
            checks["database"] = f"unreachable: {_failure(error)}"
        rt.metrics.database_latency.labels(rt.settings.service).set(time.perf_counter() - started)
        checks |= _retrying(rt)
        try:
            await asyncio.wait_for(rt.producer.client.fetch_all_metadata(), 3)
            checks["broker"] = "ok"
        except Exception as error:
            log.warning("readiness_check_failed", check="broker", error=repr(error))
            checks["broker"] = f"unreachable: {_failure(error)}"
        ready = all(v == "ok" for v in checks.values())
        for check in ("database", "migrations", "broker"):
            rt.metrics.ready.labels(rt.settings.service, check).set(1 if checks.get(check) == "ok" else 0)
        body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": checks}
        doors = {k: v for door in getattr(rt, "doors", ()) for k, v in door.readiness().items()}
        if doors:  # an outside system failing (DS) is said, but does not take the service out (platform rule)
            body["doors"] = doors
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        rt = request.app.state.runtime
        try:
            await asyncio.wait_for(rt.metrics.refresh(rt.pool), 2)
        except Exception as error:  # the database away: expose the other metrics, keep the last values
            log.warning("metrics_refresh_failed", error=repr(error))
        return Response(rt.metrics.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return router
