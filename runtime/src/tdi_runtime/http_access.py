"""Route guards: FastAPI dependencies that turn the bearer token into a `Caller`, and the OpenAPI they document.

    READ = reads()                                   # any role with a valid token
    WRITE = commands()                               # national, regional; reader -> READ_ONLY_ROLE
    @router.get("/things/{id}")
    async def one(id: str, caller: Annotated[Caller, Depends(READ)]): caller.require_region(thing.regions)
    ...
    return documented(router)                        # x-tdi-roles / x-tdi-scope on every guarded route

Each guard is a plain dependency, so FastAPI adds the `HTTPBearer` security scheme to each route using it;
`documented` reads the guard's declaration back, so what a route enforces and what OpenAPI says are one thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jwt
from fastapi import APIRouter, Depends, Query, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tdi_contracts.errors import ErrorCode
from tdi_runtime.auth import authenticate
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import PROGRAMME_WRITE_ROLES, READ_ROLES, TERRITORY_ROLE, WRITE_ROLES, Caller
from tdi_runtime.tickets import Credential, Tickets, token_digest

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="HTTPBearer",
    bearerFormat="JWT",
    description="Jeton d'accès OIDC (JWT) ou, en local seulement, jeton statique : Authorization: Bearer <jeton>",
)

SCOPES = {
    "region": "a regional caller: its own region only",
    "region+programme": "a regional caller: its own region; an instructor: its own programme",
    "programme": "an instructor: its own programme only; a regional caller: its own region",
    "public": "anyone, without a token",
    "region+territory": "a regional caller: its own region; a territory caller: its own territory",
    "region+programme+territory": (
        "a regional caller: its own region; an instructor: its own programme; a territory caller: its own territory"
    ),
}
PUBLIC = "public"
"""The role and scope of a public route (`public()`): the open data, read by anyone without a token."""


URL_TOKEN_REFUSED = (
    "Une adresse finit dans les journaux et l'historique : envoyez l'en-tête Authorization: Bearer <jeton>."  # noqa: S105
)


def tickets(request: Request) -> Tickets:
    """The app's ticket issuer (its settings' `ticket_secret`, else a secret of this process)."""
    found: Tickets | None = getattr(request.app.state, "tickets", None)
    if found is None:
        found = request.app.state.tickets = Tickets.of(request.app.state.runtime.settings)
    return found


def _credential(token: str, settings: Any) -> Credential:
    """When the (already verified) token expires, and the digest of a static one (checked again later)."""
    if token in settings.api_tokens:
        return Credential(None, token_digest(token))
    exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    return Credential(float(exp) if exp is not None else None)


async def _access(request: Request, token: str | None) -> Caller:
    if "access_token" in request.query_params:  # a token in an address lands in logs and history: never again
        raise DomainError(ErrorCode.ACCESS_TOKEN_IN_URL, URL_TOKEN_REFUSED)
    if not token:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Ajoutez l'en-tête Authorization: Bearer <jeton>.")
    settings = request.app.state.runtime.settings
    access = await authenticate(token, settings)
    request.state.access = access
    request.state.credential = _credential(token, settings)
    return access


def _declare(guard: Callable[..., Any], roles: Iterable[str], scope: str, write: bool) -> Callable[..., Any]:
    guard.tdi_access = {"roles": list(roles), "scope": scope, "write": write}  # type: ignore[attr-defined]
    return guard


def reads(*, scope: str = "region", ticket: str | None = None, territories: bool = False) -> Callable[..., Any]:
    """Any staff role with a valid token reads; a `territory` caller only where `territories` (the route narrows what it
    shows to the caller's territory: `territory_filter`, `require_territory`), else FORBIDDEN. `ticket` (a purpose of
    `tdi_runtime.tickets`): also `?ticket=`, for what a browser opens without headers (an EventSource, a download link).
    `?access_token=` is refused everywhere (400 ACCESS_TOKEN_IN_URL).
    """
    roles = (*READ_ROLES, TERRITORY_ROLE) if territories else READ_ROLES
    if ticket is not None:
        purpose = ticket

        async def guard_t(
            request: Request,
            credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
            ticket: str | None = Query(
                None, max_length=1024, description=f"A ticket of purpose `{purpose}` (POST /api/tickets), for browsers"
            ),
        ) -> Caller:
            if credentials or not ticket:
                found = await _access(request, credentials.credentials if credentials else None)
                found.require_role(roles)
                return found
            if "access_token" in request.query_params:
                raise DomainError(ErrorCode.ACCESS_TOKEN_IN_URL, URL_TOKEN_REFUSED)
            settings = request.app.state.runtime.settings
            access, credential = tickets(request).redeem(ticket, purpose, settings)
            access.require_role(roles)
            request.state.access, request.state.credential = access, credential
            return access

        return _declare(guard_t, roles, scope, write=False)

    async def guard(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        found = await _access(request, credentials.credentials if credentials else None)
        found.require_role(roles)
        return found

    return _declare(guard, roles, scope, write=False)


def public() -> Callable[..., Any]:
    """A route anyone reads without a token (the open data): OpenAPI says so (`x-tdi-roles: [public]`, scope
    `public`, no bearer security). A token put in its address is refused all the same (400 ACCESS_TOKEN_IN_URL)."""

    async def guard(request: Request) -> None:
        if "access_token" in request.query_params:
            raise DomainError(ErrorCode.ACCESS_TOKEN_IN_URL, URL_TOKEN_REFUSED)

    return _declare(guard, (PUBLIC,), PUBLIC, write=False)


def commands(
    *,
    scope: str = "region",
    instructors: bool = False,
    roles: tuple[str, ...] | None = None,
    territories: bool = False,
) -> Callable[..., Any]:
    """A command: national and regional callers (and instructors when the route acts on a programme's objects);
    `roles` narrows it further (e.g. national only); `territories` admits a territory caller too (the route checks
    its territory: `require_territory`)."""
    roles = roles or (PROGRAMME_WRITE_ROLES if instructors else WRITE_ROLES)
    if territories:
        roles = (*roles, TERRITORY_ROLE)

    async def guard(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        access = await _access(request, credentials.credentials if credentials else None)
        access.require_write(roles)
        return access

    return _declare(guard, roles, scope, write=True)


def _declared(route: APIRoute) -> dict[str, Any] | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        found = getattr(dependency.call, "tdi_access", None)
        if found is not None:
            return dict(found)
        pending.extend(dependency.dependencies)
    return None


def documented(router: APIRouter) -> APIRouter:
    """Every guarded route of `router` says in OpenAPI which roles and which scope apply."""
    for route in router.routes:
        if not isinstance(route, APIRoute) or "x-tdi-roles" in (route.openapi_extra or {}):
            continue  # an included router's routes are documented by their own router
        if (declared := _declared(route)) is None:
            continue
        roles, scope = declared["roles"], declared["scope"]
        route.openapi_extra = {**(route.openapi_extra or {}), "x-tdi-roles": roles, "x-tdi-scope": scope}
        if scope == PUBLIC:
            route.description = f"{route.description}\n\n**Access.** Public: anyone, without a token.".strip()
            continue
        kind = "Command" if declared["write"] else "Read"
        note = f"**Access.** {kind} for roles {', '.join(roles)}; scope: {SCOPES.get(scope, scope)}."
        route.description = f"{route.description}\n\n{note}".strip()
        route.responses = {
            401: {"description": "UNAUTHENTICATED, TOKEN_EXPIRED or INVALID_TOKEN"},
            403: {"description": "FORBIDDEN, READ_ONLY_ROLE, OUT_OF_REGION, OUT_OF_PROGRAMME or OUT_OF_TERRITORY"},
            **route.responses,
        }
    return router


def undocumented_routes(openapi: dict[str, Any], public: Iterable[str] = ()) -> list[str]:
    """Operations of an OpenAPI document that declare no bearer security or no roles, and are not declared public
    (what a test asserts empty)."""
    missing = []
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            if path in public or path in ("/healthz", "/readyz"):
                continue
            if operation.get("x-tdi-scope") == PUBLIC and operation.get("x-tdi-roles") == [PUBLIC]:
                continue  # declared public (`public()`): no bearer, on purpose
            if not operation.get("security") or "x-tdi-roles" not in operation:
                missing.append(f"{method.upper()} {path}")
    return missing
