"""The identity provider's signing keys (a JWKS file or URL), kept fresh without ever blocking the event loop.

- Keys are read in a worker thread (`asyncio.to_thread`), never on the loop: a slow provider slows only the
  requests that need its keys.
- A URL's keys are fetched again once older than `jwt_jwks_max_age_s` (platform rule, 5 min): a key the provider
  removed stops being valid within that time. A token naming a key not (yet) known fetches them again at once,
  at most once per `jwt_jwks_refetch_interval_s` (30 s), so a flood of forged `kid`s never floods the provider.
- A file's keys are read again as soon as the file changes (a rotated Kubernetes secret, a new key file).
- A failed read keeps the keys already known (logged) and is tried again after the refetch interval; with no key
  known at all, the caller gets 503 `SERVICE_UNAVAILABLE` (try again), not 401 (its token may be fine).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any, ClassVar

import jwt
import structlog

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError

log = structlog.get_logger(__name__)


class KeysUnavailable(DomainError):  # noqa: N818 (a refusal, like the kit's other DomainErrors)
    """SERVICE_UNAVAILABLE, retried after the keys' refetch interval rather than at once."""

    headers: ClassVar[dict[str, str] | None] = {"Retry-After": "5"}


class SigningKeys:
    """The keys of one JWKS source. `clock` (monotonic seconds) may be replaced in tests."""

    def __init__(self, file: str | None, url: str | None, max_age_s: float, refetch_interval_s: float) -> None:
        self.file, self.url = file, url
        self.max_age_s, self.refetch_interval_s = max_age_s, refetch_interval_s
        self.clock: Callable[[], float] = time.monotonic
        self._keys: list[jwt.PyJWK] | None = None
        self._fetched_at = float("-inf")  # last attempt, successful or not
        self._loaded_at = float("-inf")  # last success
        self._file_seen: tuple[int, int, int] | None = None
        self._lock = threading.Lock()  # not an asyncio lock: reads run in threads, for any event loop

    async def key_for(self, kid: str | None) -> Any:
        """The public key a token names (`kid`; the first key when it names none)."""
        if self._stale():
            await asyncio.to_thread(self._refresh, unknown_kid=False)
        found = self._find(kid)
        if found is None and self.url is not None:
            await asyncio.to_thread(self._refresh, unknown_kid=True)
            found = self._find(kid)
        if found is not None:
            return found.key
        if not self._keys:
            raise KeysUnavailable(ErrorCode.SERVICE_UNAVAILABLE, "Les clés d'identité sont injoignables.")
        raise DomainError(ErrorCode.INVALID_TOKEN, "Jeton signé par une clé inconnue.")

    def _find(self, kid: str | None) -> jwt.PyJWK | None:
        for key in self._keys or ():
            if kid is None or key.key_id == kid:
                return key
        return None

    def _stale(self) -> bool:
        now = self.clock()
        if self._fetched_at > self._loaded_at and now - self._fetched_at < self.refetch_interval_s:
            return False  # the last read failed: try again once the interval passed, not at every request
        if self._keys is None:
            return True
        if self.file is not None:
            return self._file_signature() != self._file_seen
        return now - self._loaded_at >= self.max_age_s

    def _file_signature(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.file or "")
        except OSError:
            return None
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def _refresh(self, *, unknown_kid: bool) -> None:
        with self._lock:  # one read at a time; the others find the keys fresh once they hold the lock
            now = self.clock()
            if unknown_kid and now - self._fetched_at < self.refetch_interval_s:
                return
            if not unknown_kid and not self._stale():
                return
            self._fetched_at = now
            try:
                seen = self._file_signature() if self.file is not None else None
                self._keys = jwt.PyJWKSet.from_dict(self._document()).keys
                self._loaded_at, self._file_seen = now, seen
            except Exception as error:
                log.warning("jwks_not_loaded", source=self.url or self.file, error=type(error).__name__)

    def _document(self) -> dict[str, Any]:
        if self.file is not None:
            with open(self.file, encoding="utf-8") as source:
                document: dict[str, Any] = json.load(source)
                return document
        request = urllib.request.Request(self.url or "", headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - the configured provider's URL
            fetched: dict[str, Any] = json.loads(answer.read(1024 * 1024))
            return fetched


_SOURCES: dict[tuple[str | None, str | None, float, float], SigningKeys] = {}
_SOURCES_LOCK = threading.Lock()


def signing_keys(settings: Any) -> SigningKeys:
    """The one key cache of the settings' JWKS source (shared by every request of the process)."""
    source = (
        settings.jwt_jwks_file,
        None if settings.jwt_jwks_file else settings.jwt_jwks_url,
        float(getattr(settings, "jwt_jwks_max_age_s", 300.0)),
        float(getattr(settings, "jwt_jwks_refetch_interval_s", 30.0)),
    )
    with _SOURCES_LOCK:
        if source not in _SOURCES:
            _SOURCES[source] = SigningKeys(*source)
        return _SOURCES[source]
