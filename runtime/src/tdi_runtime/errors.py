"""Errors every service shares: business rejections with a stable code and a French sentence, and transience."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import asyncpg

from tdi_contracts.errors import REASONS, ErrorCode, http_status_of
from tdi_contracts.quoting import quote


class DomainError(Exception):
    """A rule of the programme (or of access) refused the input: a code of the catalogue, its French sentence.

    The one way to raise one: `raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=any_id)`.
    `message` is the catalogue's sentence (`REASONS`), followed by `detail` when the use case adds one; the HTTP
    status is the catalogue's (`HTTP_STATUS`, 422 by default); `field`, `value` and other keywords are the details
    an HTTP answer lists and a partner's rejection carries (the value quoted safely: `tdi_contracts.quoting`).
    """

    code: str = "DOMAIN_RULE_VIOLATED"
    http_status: int = 422
    headers: ClassVar[dict[str, str] | None] = None
    """Headers of its HTTP answer besides the status's own (a 401 always says `WWW-Authenticate: Bearer`)."""

    def __init__(
        self,
        error: ErrorCode,
        /,
        detail: str | None = None,
        *,
        field: str | None = None,
        value: object = None,
        **more: Any,
    ) -> None:
        self.code = error.value
        self.message = REASONS[error] if not detail else f"{REASONS[error]} {detail}"
        super().__init__(self.message)
        self.http_status = http_status_of(error)
        found = {"field": field, "value": None if value is None else _quoted(value), **more}
        self.details = {k: v for k, v in found.items() if v is not None}


def _quoted(value: object) -> object:
    """A detail's value as an answer may quote it: numbers and booleans as they are, anything else as safe text."""
    return value if isinstance(value, bool | int | float) else quote(value)


TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    ConnectionError,
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a pooled connection broken mid-operation by a crash: "another operation"
    asyncpg.CannotConnectNowError,
    asyncpg.InsufficientResourcesError,  # 53xxx: disk full, out of memory, too many clients
    asyncpg.OperatorInterventionError,  # 57xxx: statement timeout (a slow database), shutdown, crash, restart
    asyncpg.PostgresSystemError,  # 58xxx: I/O error
    asyncpg.LockNotAvailableError,  # lock_timeout
    asyncpg.ReadOnlySQLTransactionError,  # a failover: the primary became a standby
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.UniqueViolationError,  # a racing consumer recorded the same inbox row: retry sees it as done
    asyncpg.AdminShutdownError,
)


def is_transient(error: BaseException) -> bool:
    """Worth retrying as is (the database or broker is briefly away), never worth a dead letter."""
    if isinstance(error, asyncpg.UniqueViolationError):
        return getattr(error, "table_name", None) == "inbox"
    return isinstance(error, TRANSIENT_ERRORS)
