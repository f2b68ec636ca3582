"""Who is calling: a bearer token is a static token (local use) or an OIDC-compatible JWT, and gives a `Caller`.

Roles (issue 14): `national` (ANCT, DGE: everything), `regional` (a prefecture: one region; `prefecture` is accepted as
its alias, issue 24), `region-council` (a Conseil régional: one region, consulted: it gives an avis), `instructor` (one
programme), `territory` (a territory's chef de projet and binôme: one territory, issue 24), `reader` (read-only).
`staff` is the local static token of `make run`, equal to `national`; `admin` passes every check. A static token maps to
`role` or `role:scope` (`regional:44`, `instructor:fonds-vert-ti`, `territory:tdi-44-grand-reims`) in `api_tokens`. A
JWT is verified against the configured keys (a JWKS file or URL, `tdi_runtime.jwks`), its issuer and audience (both
required outside local mode), with `jwt_leeway_s` of clock skew allowed on `exp`, `nbf` and `iat`; its claims give the
role (`tdi_role`, else the first of `roles` we know) and the scope (`tdi_region` / `tdi_programme` / `tdi_territory`).
"""

from __future__ import annotations

import hmac
import re
from typing import Any

import jwt

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError
from tdi_runtime.jwks import signing_keys
from tdi_runtime.pipeline.caller import REGION_ROLES, TERRITORY_ROLE, Caller

ROLES = ("national", "regional", "region-council", "instructor", "territory", "reader", "staff", "admin")
"""Roles a token may carry (`staff` and `admin`: local static tokens only, equal to `national`)."""
ROLE_ALIASES = {"prefecture": "regional"}
"""Other names a token may give a role (issue 24: the regional prefecture is the `regional` role)."""


TOKEN_SHAPE = re.compile(r"[\x21-\x7e]{1,8192}")
"""What a bearer token may look like: 1 to 8,192 printable ASCII characters (RFC 6750's b64token and JWTs fit);
anything else (non-ASCII, control characters, spaces, a huge value) is refused before any comparison."""


def _well_formed(token: str) -> str:
    if TOKEN_SHAPE.fullmatch(token) is None:
        raise DomainError(ErrorCode.INVALID_TOKEN, "Jeton mal formé : 1 à 8 192 caractères ASCII imprimables attendus.")
    return token


def _static(token: str, tokens: dict[str, str]) -> Caller | None:
    supplied = token.encode()  # bytes: compare_digest refuses non-ASCII str
    granted = next((r for t, r in tokens.items() if hmac.compare_digest(t.encode(), supplied)), None)
    if granted is None:
        return None
    role, _, scope = granted.partition(":")
    role = ROLE_ALIASES.get(role, role)
    return Caller.of_token(
        f"token:{role}",
        role,
        region=scope if role in REGION_ROLES else None,
        programme=scope if role == "instructor" else None,
        territory=scope if role == TERRITORY_ROLE else None,
    )


def _kid(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except (jwt.PyJWTError, ValueError, TypeError):
        raise DomainError(ErrorCode.INVALID_TOKEN, "En-tête du jeton illisible.") from None
    if kid is not None and not isinstance(kid, str):
        raise DomainError(ErrorCode.INVALID_TOKEN, "Identifiant de clé (kid) invalide.")
    return kid


async def verified_claims(token: str, settings: Any) -> dict[str, Any] | None:
    """The claims of a JWT verified as `authenticate` verifies it (keys, issuer, audience, leeway); None when the
    token is not a JWT or no keys are configured. Other doors (the partners' HTTP door) read their own claims."""
    if not _is_jwt(_well_formed(token), settings):
        return None
    return _claims(token, await signing_keys(settings).key_for(_kid(token)), settings)


def _claims(token: str, key: Any, settings: Any) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=list(settings.jwt_algorithms),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=float(getattr(settings, "jwt_leeway_s", 0.0)),
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise DomainError(ErrorCode.TOKEN_EXPIRED) from None
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise DomainError(ErrorCode.INVALID_TOKEN, f"({type(error).__name__})") from None
    return claims


def _from_jwt(token: str, key: Any, settings: Any) -> Caller:
    claims = _claims(token, key, settings)
    roles = [claims.get("tdi_role")] if claims.get("tdi_role") else list(claims.get("roles") or [])
    roles = [ROLE_ALIASES.get(r, r) if isinstance(r, str) else r for r in roles]
    role = next((r for r in roles if r in ROLES and r not in ("staff", "admin")), None)
    if role is None:
        raise DomainError(ErrorCode.FORBIDDEN, "Ce jeton ne porte aucun rôle de la plateforme.")
    region, programme = claims.get("tdi_region"), claims.get("tdi_programme")
    territory = claims.get("tdi_territory") if role == TERRITORY_ROLE else None
    if (
        (role in REGION_ROLES and not region)
        or (role == "instructor" and not programme)
        or (role == TERRITORY_ROLE and not (isinstance(territory, str) and territory))
    ):
        message = f"Le rôle « {role} » doit préciser sa région, son programme ou son territoire."
        raise DomainError(ErrorCode.FORBIDDEN, message)
    return Caller.of_token(
        str(claims["sub"]),
        role,
        region if role in REGION_ROLES else None,
        programme if role == "instructor" else None,
        territory,
    )


def _is_jwt(token: str, settings: Any) -> bool:
    return token.count(".") == 2 and bool(settings.jwt_jwks_file or settings.jwt_jwks_url)


async def authenticate(token: str, settings: Any) -> Caller:
    """The caller behind a bearer token: a configured static token, else a JWT when keys are configured (its keys
    read off the event loop, `tdi_runtime.jwks`). Refusals: 401 `UNAUTHENTICATED`, `INVALID_TOKEN`,
    `TOKEN_EXPIRED`; 403 `FORBIDDEN` for a valid token without a platform role."""
    found = _static(_well_formed(token), settings.api_tokens)
    if found is not None:
        return found
    if _is_jwt(token, settings):
        key = await signing_keys(settings).key_for(_kid(token))
        return _from_jwt(token, key, settings)
    raise DomainError(ErrorCode.UNAUTHENTICATED, "Jeton d'accès inconnu ou révoqué.")
