"""Stream tickets: no bearer token in an address (issue 22 #9).

A browser opens an EventSource or a download link without headers, so the token used to travel as
`?access_token=`, into proxy logs and the browser's history. Instead the page asks `POST …/tickets` (bearer header)
for a **ticket**: opaque, valid `ticket_ttl_s` seconds (30), for one purpose (`feed` or `export`), bound to the
caller's access. A ticket seen in a log is of little use: it opens one kind of route, for seconds, never commands,
and it is not the token.

A ticket is self-contained and signed (HMAC-SHA256 with `ticket_secret`), so any replica sharing the secret
accepts it; it never carries the token, nor the caller's subject in clear (a hash). `Credential` is what stands
behind a stream opened with it: the token's expiry (JWT `exp`) and, for a static token, its digest, checked
against the configured tokens again at each change (a revoked static token ends its stream).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

PURPOSES = ("feed", "export")
INVALID = "Un ticket se demande par POST /api/tickets."


@dataclass(frozen=True)
class Credential:
    """What stands behind a request: when its token expires (epoch s; None: a static token) and, for a static
    token, its digest (revoked once no configured token has it)."""

    expires_at: float | None
    token_digest: str | None = None

    def still_valid(self, settings: Any, now: float | None = None) -> bool:
        if self.expires_at is not None and (now or time.time()) >= self.expires_at:
            return False
        if self.token_digest is not None:
            return any(hmac.compare_digest(token_digest(t), self.token_digest) for t in settings.api_tokens)
        return True


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def subject_digest(subject: str) -> str:
    """A stable, non-reversible caller key (a JWT `sub` may be personal: it never goes into an address); the
    digest of a digest is itself, so a caller is one key whether it came with its token or with a ticket."""
    if subject.startswith("sub:"):
        return subject
    return "sub:" + hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tickets:
    """Issues and redeems tickets signed with one secret (random per process when none is configured)."""

    def __init__(self, secret: bytes | None, ttl_s: float = 30.0) -> None:
        self.secret = secret or secrets.token_bytes(32)
        self.ttl_s = ttl_s

    @classmethod
    def of(cls, settings: Any) -> Tickets:
        secret = settings.ticket_secret.get_secret_value().encode() if settings.ticket_secret else None
        return cls(secret, settings.ticket_ttl_s)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest())

    def issue(self, access: Caller, purpose: str, credential: Credential, now: float | None = None) -> str:
        if purpose not in PURPOSES:
            raise ValueError(purpose)
        claims = {
            "p": purpose,
            "s": subject_digest(access.subject),
            "r": access.role,
            "g": access.region,
            "m": access.programme,
            "t": access.territory,
            "x": round((now or time.time()) + self.ttl_s, 3),
            "e": credential.expires_at,
            "h": credential.token_digest,
            "n": secrets.token_hex(4),
        }
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def redeem(self, ticket: str, purpose: str, settings: Any, now: float | None = None) -> tuple[Caller, Credential]:
        """The access and credential behind a valid ticket of this purpose; else 401 INVALID_TICKET."""
        try:
            body, signature = ticket.split(".")
            if not hmac.compare_digest(signature, self._sign(body)):
                raise ValueError("signature")
            claims = json.loads(_unb64(body))
            credential = Credential(claims["e"], claims["h"])
            if claims["p"] != purpose or (now or time.time()) >= claims["x"]:
                raise ValueError("purpose or expiry")
        except (ValueError, KeyError, TypeError, UnicodeError):
            raise DomainError(ErrorCode.INVALID_TICKET, INVALID) from None
        if not credential.still_valid(settings, now):
            raise DomainError(ErrorCode.INVALID_TICKET, INVALID)
        return Caller(claims["s"], claims["r"], claims["g"], claims["m"], claims.get("t")), credential
