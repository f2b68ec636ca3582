"""A partner's HTTP identity, the same on every route that admits partners: a per-partner static token (only its
SHA-256 is configured: `TDI_<S>_PARTNER_TOKENS`) or an OIDC client-credentials JWT verified as staff JWTs are
(`auth.verified_claims`: keys, issuer, audience) whose claim `TDI_<S>_PARTNER_JWT_CLAIM` (`tdi_partner`) names it.

- `partner_of(token, door, settings)`: the partners' door (`POST /partner-events`): a partner or a refusal;
- `staff_or_partner(roles=…, door=…)`: a route guard for routes partners share with staff (reporting's webhooks):
  a partner's token gives `Caller.of_partner`, any other token is a staff token (`http_access`), then `roles` apply.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Partner
from tdi_runtime.auth import TOKEN_SHAPE, verified_claims
from tdi_runtime.doors.http_partner.settings import PartnerDoorSettings
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import URL_TOKEN_REFUSED, _access, _declare, bearer
from tdi_runtime.pipeline.caller import Caller

_PARTNERS = frozenset(p.value for p in Partner)


def _static_partner(token: str, door: PartnerDoorSettings) -> Partner | None:
    digest = hashlib.sha256(token.encode()).hexdigest().encode()
    return next((p for d, p in door.tokens.items() if hmac.compare_digest(d.lower().encode(), digest)), None)


def _named(claims: dict[str, Any], door: PartnerDoorSettings) -> Partner:
    claimed = claims.get(door.jwt_claim)
    if not isinstance(claimed, str) or claimed not in _PARTNERS:
        raise DomainError(ErrorCode.NOT_A_PARTNER, f"Le jeton ne nomme aucun partenaire ({door.jwt_claim}).")
    return Partner(claimed)


def _well_formed(token: str) -> None:
    if TOKEN_SHAPE.fullmatch(token) is None:
        raise DomainError(ErrorCode.INVALID_TOKEN, "Jeton mal formé : 1 à 8 192 caractères ASCII imprimables attendus.")


def _is_staff_static(token: str, settings: Any) -> bool:
    return any(hmac.compare_digest(t.encode(), token.encode()) for t in settings.api_tokens)


async def partner_of(token: str, door: PartnerDoorSettings, settings: Any) -> Partner:
    """The partner a token authenticates; a staff token is 403 `NOT_A_PARTNER`, a JWT naming no known partner too."""
    _well_formed(token)
    found = _static_partner(token, door)
    if found is not None:
        return found
    if _is_staff_static(token, settings):
        raise DomainError(ErrorCode.NOT_A_PARTNER, "Un jeton du personnel n'envoie pas d'événement de partenaire.")
    claims = await verified_claims(token, settings)
    if claims is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Jeton d'accès inconnu ou révoqué.")
    return _named(claims, door)


async def partner_or_none(token: str, door: PartnerDoorSettings, settings: Any) -> Partner | None:
    """The partner of a partner's token; None for any other token (a staff token: `authenticate` judges it). A JWT
    carrying the partner claim is a partner's, whatever else it carries; naming no known partner is `NOT_A_PARTNER`."""
    _well_formed(token)
    found = _static_partner(token, door)
    if found is not None or _is_staff_static(token, settings):
        return found
    claims = await verified_claims(token, settings)
    if claims is None or door.jwt_claim not in claims:
        return None
    return _named(claims, door)


def staff_or_partner(
    *, roles: tuple[str, ...], door: PartnerDoorSettings, scope: str, write: bool
) -> Callable[..., Any]:
    """A guard admitting a partner (when `partner` is in `roles`) and the staff roles of `roles`: a command refuses a
    reader with `READ_ONLY_ROLE` and another role with `FORBIDDEN`, a read another role with `FORBIDDEN`."""

    async def guard(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        if "access_token" in request.query_params:
            raise DomainError(ErrorCode.ACCESS_TOKEN_IN_URL, URL_TOKEN_REFUSED)
        token = credentials.credentials if credentials else None
        settings = request.app.state.runtime.settings
        partner = await partner_or_none(token, door, settings) if token else None
        caller = Caller.of_partner(partner) if partner is not None else await _access(request, token)
        if partner is not None:
            request.state.access = caller
        if write:
            caller.require_write(roles)
        else:
            caller.require_role(roles)
        return caller

    return _declare(guard, roles, scope, write=write)
