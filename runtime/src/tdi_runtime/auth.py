"""Who is calling: a bearer token is a static token (local use) or an OIDC-compatible JWT, and gives a Principal.

Roles (issue 14): `national` (ANCT, DGE: everything), `regional` (a prefecture: one region; `prefecture` is
accepted as its alias, issue 24), `region-council` (a Conseil régional: one region, consulted: it gives an avis),
`instructor` (one programme), `reader` (read-only). `staff` is the local static token of `make run`, equal to
`national`; `admin` passes every check. A static token maps to `role` or `role:scope` (`regional:44`,
`instructor:fonds-vert-ti`) in `api_tokens`. A JWT is verified against the configured keys (a JWKS file or URL,
`tdi_runtime.jwks`), its issuer and audience (both required outside local mode), with `jwt_leeway_s` of clock
skew allowed on `exp`, `nbf` and `iat`; its claims give the role (`tdi_role`, else the first of `roles` we know)
and the scope (`tdi_region` / `tdi_programme`).
"""

from __future__ import annotations

import asyncio
import hmac
import re
from dataclasses import dataclass
from typing import Any

import jwt

from tdi_runtime.errors import ForbiddenError, UnauthenticatedError
from tdi_runtime.jwks import signing_keys

ROLES = ("national", "regional", "region-council", "instructor", "reader", "staff", "admin")
ROLE_ALIASES = {"prefecture": "regional"}
"""Other names a token may give a role (issue 24: the regional prefecture is the `regional` role)."""
REGION_ROLES = frozenset({"regional", "region-council"})
"""Roles bound to one region (`tdi_region` claim, `role:<region>` static token)."""
COMMAND_ROLES = frozenset({"national", "regional", "instructor", "staff", "admin"})
"""Roles that may send commands; `reader` reads only."""


@dataclass(frozen=True)
class Principal:
    """The caller: a subject, a role and, for regional and instructor roles, what it is limited to."""

    subject: str
    role: str
    region: str | None = None
    programme: str | None = None

    def satisfies(self, required: str) -> bool:
        """`staff` is required by commands: any command role has it; other roles must match exactly."""
        if self.role == "admin" or self.role == required:
            return True
        return required == "staff" and self.role in COMMAND_ROLES

    def sees_region(self, region: str | None) -> bool:
        """A regional user sees and acts on its own region only (the rule lives in `tdi_runtime.access`)."""
        from tdi_runtime.access import Access

        return Access.of(self).sees(region)

    def require_region(self, regions: tuple[str, ...] | list[str] | str | None) -> None:
        """Refuse (403 OUT_OF_REGION) a regional user whose region is not among the resource's regions."""
        from tdi_runtime.access import Access

        Access.of(self).require_region(regions)


TOKEN_SHAPE = re.compile(r"[\x21-\x7e]{1,8192}")
"""What a bearer token may look like: 1 to 8,192 printable ASCII characters (RFC 6750's b64token and JWTs fit);
anything else (non-ASCII, control characters, spaces, a huge value) is refused before any comparison."""


def _well_formed(token: str) -> str:
    if TOKEN_SHAPE.fullmatch(token) is None:
        raise UnauthenticatedError(
            "Jeton d'accès mal formé : 1 à 8 192 caractères ASCII imprimables attendus.", code="INVALID_TOKEN"
        )
    return token


def _static(token: str, tokens: dict[str, str]) -> Principal | None:
    supplied = token.encode()  # bytes: compare_digest refuses non-ASCII str
    granted = next((r for t, r in tokens.items() if hmac.compare_digest(t.encode(), supplied)), None)
    if granted is None:
        return None
    role, _, scope = granted.partition(":")
    role = ROLE_ALIASES.get(role, role)
    return Principal(
        subject=f"token:{role}",
        role=role,
        region=scope if role in REGION_ROLES else None,
        programme=scope if role == "instructor" else None,
    )


def _kid(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except (jwt.PyJWTError, ValueError, TypeError):
        raise UnauthenticatedError("Jeton invalide (en-tête illisible).", code="INVALID_TOKEN") from None
    if kid is not None and not isinstance(kid, str):
        raise UnauthenticatedError("Jeton invalide (identifiant de clé).", code="INVALID_TOKEN")
    return kid


def _from_jwt(token: str, key: Any, settings: Any) -> Principal:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=list(settings.jwt_algorithms),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=float(getattr(settings, "jwt_leeway_s", 0.0)),
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise UnauthenticatedError("Jeton expiré : demandez-en un nouveau.", code="TOKEN_EXPIRED") from None
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise UnauthenticatedError(f"Jeton invalide ({type(error).__name__}).", code="INVALID_TOKEN") from None
    roles = [claims.get("tdi_role")] if claims.get("tdi_role") else list(claims.get("roles") or [])
    roles = [ROLE_ALIASES.get(r, r) if isinstance(r, str) else r for r in roles]
    role = next((r for r in roles if r in ROLES and r not in ("staff", "admin")), None)
    if role is None:
        raise ForbiddenError("Ce jeton ne porte aucun rôle de la plateforme.", code="FORBIDDEN")
    region, programme = claims.get("tdi_region"), claims.get("tdi_programme")
    if (role in REGION_ROLES and not region) or (role == "instructor" and not programme):
        raise ForbiddenError(f"Le rôle « {role} » doit préciser sa région ou son programme.", code="FORBIDDEN")
    return Principal(str(claims["sub"]), role, region if role in REGION_ROLES else None, programme)


def _is_jwt(token: str, settings: Any) -> bool:
    return token.count(".") == 2 and bool(settings.jwt_jwks_file or settings.jwt_jwks_url)


async def authenticate(token: str, settings: Any) -> Principal:
    """The caller behind a bearer token: a configured static token, else a JWT when keys are configured (its keys
    read off the event loop, `tdi_runtime.jwks`). Refusals: 401 `UNAUTHENTICATED`, `INVALID_TOKEN`,
    `TOKEN_EXPIRED`; 403 `FORBIDDEN` for a valid token without a platform role."""
    found = _static(_well_formed(token), settings.api_tokens)
    if found is not None:
        return found
    if _is_jwt(token, settings):
        key = await signing_keys(settings).key_for(_kid(token))
        return _from_jwt(token, key, settings)
    raise UnauthenticatedError("Jeton d'accès inconnu ou révoqué.")


def principal_of(token: str, settings: Any) -> Principal:
    """`authenticate` for code without an event loop (a CLI, a test): the JWT keys are read in line."""
    found = _static(_well_formed(token), settings.api_tokens)
    if found is not None:
        return found
    if _is_jwt(token, settings):
        return _from_jwt(token, asyncio.run(signing_keys(settings).key_for(_kid(token))), settings)
    raise UnauthenticatedError("Jeton d'accès inconnu ou révoqué.")
