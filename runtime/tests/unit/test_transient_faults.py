"""A database full, slow, restarting or out of connections is a transient fault: retried, never dead-lettered."""

import asyncpg
import pytest

from tdi_runtime.errors import is_transient


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.DiskFullError("could not extend file: No space left on device"),  # 53100
        asyncpg.OutOfMemoryError("out of memory"),  # 53200
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),  # 53300
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),  # 57014
        asyncpg.CrashShutdownError("terminating connection because of crash of another server process"),  # 57P02
        asyncpg.LockNotAvailableError("canceling statement due to lock timeout"),  # 55P03
        asyncpg.PostgresIOError("could not write to file"),  # 58030
        asyncpg.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),  # failover
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.InternalClientError("cannot switch to state 12; another operation (2) is in progress"),  # seen
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_database_that_is_full_slow_or_restarting_is_retried_not_dead_lettered(error):
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.NotNullViolationError("null value in column"),
        asyncpg.CheckViolationError("new row violates check constraint"),
        asyncpg.UndefinedTableError("relation does not exist"),
        asyncpg.DataError("invalid input syntax"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_an_error_the_same_event_would_raise_again_is_not_transient(error):
    assert not is_transient(error)
