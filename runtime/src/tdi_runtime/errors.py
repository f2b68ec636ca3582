"""Errors every service shares: business rejections with a stable code and a French sentence, and transience."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import asyncpg


class DomainError(Exception):
    """A rule of the programme refused the input. `code` is stable (English), `message` is for staff (French)."""

    code: str = "DOMAIN_RULE_VIOLATED"
    http_status: int = 422
    headers: ClassVar[dict[str, str] | None] = None

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}


class NotFoundError(DomainError):
    code = "NOT_FOUND"
    http_status = 404


class ConflictError(DomainError):
    code = "CONFLICT"
    http_status = 409


class UnauthenticatedError(DomainError):
    code = "UNAUTHENTICATED"
    http_status = 401
    headers: ClassVar[dict[str, str] | None] = {"WWW-Authenticate": "Bearer"}


class ForbiddenError(DomainError):
    code = "FORBIDDEN"
    http_status = 403


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
