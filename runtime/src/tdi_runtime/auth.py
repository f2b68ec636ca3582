"""Who is calling: a bearer token is a static token (local use) or an OIDC-compatible JWT, and gives a Principal.

Roles (issue 14): `national` (ANCT, DGE: everything), `regional` (a prefecture: one region), `instructor`
(one programme), `reader` (read-only). `staff` is the local static token of `make run`, equal to `national`;
`admin` passes every check. A static token maps to `role` or `role:scope` (`regional:44`,
`instructor:fonds-vert-ti`) in `api_tokens`. A JWT is verified against the configured keys (a JWKS file or URL),
its issuer and audience; its claims give the role (`tdi_role`, else the first of `roles` we know) and the scope
(`tdi_region` / `tdi_programme`).
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt

from tdi_runtime.errors import ForbiddenError, UnauthenticatedError

ROLES = ("national", "regional", "instructor", "reader", "staff", "admin")
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


def _static(token: str, tokens: dict[str, str]) -> Principal | None:
    granted = next((r for t, r in tokens.items() if hmac.compare_digest(t, token)), None)
    if granted is None:
        return None
    role, _, scope = granted.partition(":")
    return Principal(
        subject=f"token:{role}",
        role=role,
        region=scope if role == "regional" else None,
        programme=scope if role == "instructor" else None,
    )


@lru_cache(maxsize=8)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300)


def _signing_key(token: str, settings: Any) -> Any:
    if settings.jwt_jwks_file:
        keys = jwt.PyJWKSet.from_dict(json.loads(Path(settings.jwt_jwks_file).read_text(encoding="utf-8")))
        kid = jwt.get_unverified_header(token).get("kid")
        for key in keys.keys:
            if kid is None or key.key_id == kid:
                return key.key
        raise UnauthenticatedError("Jeton signé par une clé inconnue.", code="INVALID_TOKEN")
    return _jwks_client(settings.jwt_jwks_url).get_signing_key_from_jwt(token).key


def _from_jwt(token: str, settings: Any) -> Principal:
    try:
        claims = jwt.decode(
            token,
            _signing_key(token, settings),
            algorithms=list(settings.jwt_algorithms),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise UnauthenticatedError("Jeton expiré : demandez-en un nouveau.", code="TOKEN_EXPIRED") from None
    except (jwt.PyJWTError, ValueError) as error:
        raise UnauthenticatedError(f"Jeton invalide ({type(error).__name__}).", code="INVALID_TOKEN") from None
    roles = [claims.get("tdi_role")] if claims.get("tdi_role") else list(claims.get("roles") or [])
    role = next((r for r in roles if r in ROLES and r not in ("staff", "admin")), None)
    if role is None:
        raise ForbiddenError("Ce jeton ne porte aucun rôle de la plateforme.", code="FORBIDDEN")
    region, programme = claims.get("tdi_region"), claims.get("tdi_programme")
    if (role == "regional" and not region) or (role == "instructor" and not programme):
        raise ForbiddenError(f"Le rôle « {role} » doit préciser sa région ou son programme.", code="FORBIDDEN")
    return Principal(str(claims["sub"]), role, region if role == "regional" else None, programme)


def principal_of(token: str, settings: Any) -> Principal:
    """The caller behind a bearer token: a configured static token, else a JWT when keys are configured."""
    found = _static(token, settings.api_tokens)
    if found is not None:
        return found
    if token.count(".") == 2 and (settings.jwt_jwks_file or settings.jwt_jwks_url):
        return _from_jwt(token, settings)
    raise UnauthenticatedError("Jeton d'accès inconnu ou révoqué.")
