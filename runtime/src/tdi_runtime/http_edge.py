"""The HTTP edge of every service: what no route should ever see is refused before any route runs.

- A control character (NUL and the other C0 controls, DEL, the C1 range) in the path or in a query parameter,
  after percent-decoding: 400 `INVALID_CHARACTER`, naming where (`path`, `query.<name>`). PostgreSQL cannot store
  a NUL, and no identifier, code or search holds a control character.
- A NUL or a lone surrogate in any string (or key) of a JSON body: 422 `INVALID_CHARACTER` with each field's path
  (`body.fiche.description`). Other control characters are refused by the field types (`Label`, `FreeText`).
- A body above `http_max_body_bytes` (platform rule, 1 MiB): 413 `REQUEST_TOO_LARGE` before anything parses it,
  from `Content-Length` or by counting a streamed body. A route taking files declares its own limit and code with
  `openapi_extra=body_limit(max_bytes, code)` (documented in OpenAPI as `x-tdi-max-body-bytes`).
- Every answer carries a strict Content-Security-Policy, `X-Content-Type-Options: nosniff` and
  `Referrer-Policy: no-referrer`. No page runs an inline script: `/docs` starts Swagger UI from a file of the
  kit (`tdi_runtime.docs`).
Plain ASGI, like the tracing and idempotency middlewares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_contracts.fields import CONTROL_CHARACTERS

MAX_BODY_KEY, TOO_LARGE_CODE_KEY = "x-tdi-max-body-bytes", "x-tdi-too-large-code"
_IN_URL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_IN_JSON = re.compile(r"[\x00\ud800-\udfff]")
_MAYBE_IN_JSON = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")  # only then is the body parsed here
_NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MOST_ERRORS = 20

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""No inline script anywhere; style attributes only (the dashboard colours its map legend with them, and a style
attribute runs no code); images of the service itself or inline data (Swagger UI's icons)."""


def body_limit(max_bytes: int, code: ErrorCode = ErrorCode.REQUEST_TOO_LARGE) -> dict[str, Any]:
    """`openapi_extra` of a route whose body has its own limit (a file upload), refused above it with `code`."""
    return {MAX_BODY_KEY: max_bytes, TOO_LARGE_CODE_KEY: code.value}


class RequestTooLarge(StarletteHTTPException):
    """A body past its limit. An HTTPException so that FastAPI's body reading lets it through to the handlers."""

    def __init__(self, limit: int, code: str) -> None:
        known = code in ErrorCode._value2member_map_  # declared by `body_limit`: always, but an answer never fails
        reason = REASONS[ErrorCode(code) if known else ErrorCode.REQUEST_TOO_LARGE].rstrip(".")
        self.code, self.message = code, f"{reason} : {_french_number(limit)} octets au plus."
        super().__init__(413, self.message)

    def answer(self) -> JSONResponse:
        return JSONResponse({"code": self.code, "message": self.message}, status_code=413)


def _french_number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def printable(text: str) -> str:
    """Text safe to quote in an answer: control characters and surrogates as \\uXXXX escapes."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _invalid(status: int, found: list[tuple[str, str, int]], where: str) -> JSONResponse:
    errors = [
        {"field": printable(field), "code": "control_character", "message": f"Caractère interdit U+{ord(c):04X} en"
         f" position {position}."}
        for field, c, position in found[:_MOST_ERRORS]
    ]  # fmt: skip
    first = found[0][1]
    message = (
        f"La requête contient un caractère interdit (U+{ord(first):04X}) {where} : aucun champ ne peut le contenir."
    )
    return JSONResponse({"code": "INVALID_CHARACTER", "message": message, "errors": errors}, status_code=status)


def _in_url(scope: Scope) -> JSONResponse | None:
    path = scope.get("path", "")
    if found := _IN_URL.search(path):
        return _invalid(400, [("path", found.group(), found.start() + 1)], "dans son chemin")
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        for text in (name, value):
            if found := _IN_URL.search(text):
                where = f"dans le paramètre « {printable(name)} »"
                return _invalid(400, [(f"query.{name}", found.group(), found.start() + 1)], where)
    return None


def _in_json(body: bytes) -> list[tuple[str, str, int]]:
    """(field path, character, position) of each string or key holding a NUL or a lone surrogate."""
    if not _MAYBE_IN_JSON.search(body):
        return []
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # not JSON: FastAPI answers that itself
        return []
    return list(_bad_strings(document))


def _bad_strings(document: Any) -> Iterator[tuple[str, str, int]]:
    pending: list[tuple[str, Any]] = [("body", document)]  # iterative: a deeply nested body is no recursion
    while pending:
        path, value = pending.pop(0)
        if isinstance(value, str):
            if found := _IN_JSON.search(value):
                yield path, found.group(), found.start() + 1
        elif isinstance(value, dict):
            for key, item in value.items():
                if _IN_JSON.search(key):
                    pending.append((f"{path}.{key}", key))  # the key itself, in document order
                pending.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            pending.extend((f"{path}.{i}", item) for i, item in enumerate(value))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


def _is_json(scope: Scope) -> bool:
    kind = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def _route_limits(app: Any) -> list[tuple[str, re.Pattern[str], int, str]]:
    """(method, path pattern, limit, code) of the operations whose OpenAPI declares their own body limit
    (`body_limit`): what the document says is what the edge enforces. Read once per app."""
    state = getattr(app, "state", None)
    if state is None or not hasattr(app, "openapi"):
        return []
    found = getattr(state, "tdi_route_body_limits", None)
    if found is None:
        found = [
            (method.upper(), _path_pattern(path), int(operation[MAX_BODY_KEY]), str(operation[TOO_LARGE_CODE_KEY]))
            for path, operations in app.openapi().get("paths", {}).items()
            for method, operation in operations.items()
            if isinstance(operation, dict) and MAX_BODY_KEY in operation
        ]
        state.tdi_route_body_limits = found
    return list(found)


def _path_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


class EdgeMiddleware:
    """The outermost of the kit's middlewares (see the module's docstring)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        app = scope.get("app")
        send = _secured(send)
        if (refusal := _in_url(scope)) is not None:
            await refusal(scope, receive, send)
            return
        limit, code = self._limit(app, scope)
        length = _content_length(scope)
        try:
            if length is not None and length > limit:
                raise RequestTooLarge(limit, code)
            if scope["method"] not in _NO_BODY_METHODS and _is_json(scope):
                body = await _read(receive, limit, code)
                if found := _in_json(body):
                    await _invalid(422, found, f"dans le champ « {printable(found[0][0])} »")(scope, receive, send)
                    return
                receive = _replay(body, receive)
            else:
                receive = _counted(receive, limit, code)
        except RequestTooLarge as too_large:
            await too_large.answer()(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except RequestTooLarge as too_large:  # read past its limit outside the routes (the idempotency layer)
            if started:
                raise
            await too_large.answer()(scope, receive, send)

    def _limit(self, app: Any, scope: Scope) -> tuple[int, str]:
        if scope["method"] not in _NO_BODY_METHODS:
            root, path = scope.get("root_path", ""), scope.get("path", "")
            path = path[len(root) :] if root and path.startswith(root) else path
            for method, pattern, limit, code in _route_limits(app):
                if method == scope["method"] and pattern.match(path):
                    return limit, code
        return self.max_body_bytes, ErrorCode.REQUEST_TOO_LARGE.value


async def _read(receive: Receive, limit: int, code: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(limit, code)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()  # the client's disconnect, if the route waits for it
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _counted(receive: Receive, limit: int, code: str) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise RequestTooLarge(limit, code)
        return message

    return counted


def _secured(send: Send) -> Send:
    """`send` adding the security headers to the start of every answer."""

    async def secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = _with_headers(message, POLICY)
        await send(message)

    return secured


def _with_headers(start: Message, policy: str) -> Message:
    headers = list(start.get("headers", []))
    names = {bytes(k).lower() for k, _ in headers}
    for name, value in (
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ):
        if name not in names:
            headers.append((name, value))
    return {**start, "headers": headers}
