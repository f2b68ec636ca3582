"""`Pipeline.run(conn=...)` on the real PostgreSQL: a door that keeps its own records runs commands inside its own
transaction (the DS door: the dossier's commands, the applied snapshot and the cursor commit together)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline import Caller, Pipeline, Registry, UnitOfWork, plain_unit_of_work

pytestmark = pytest.mark.integration

DOOR = Caller.system("door")


@dataclass(frozen=True)
class Note:
    text: str
    refused: bool = False


registry: Registry[UnitOfWork] = Registry()


@registry.handles(Note)
async def note(command: Note, uow: UnitOfWork) -> str:
    await uow.conn.execute("INSERT INTO notes (text) VALUES ($1)", command.text)
    if command.refused:
        raise DomainError(ErrorCode.APPLICATION_STATE_CONFLICT, "Refusée par la règle de test.")
    return command.text


async def texts(pool: Any, table: str) -> list[str]:
    return [r["text"] for r in await pool.fetch(f"SELECT text FROM {table} ORDER BY id")]


async def test_a_command_run_in_the_doors_transaction_commits_with_the_doors_records_and_a_refused_one_leaves_nothing(
    kit_pool: Any,
) -> None:
    await kit_pool.execute("CREATE TABLE notes (id serial PRIMARY KEY, text text)")
    await kit_pool.execute("CREATE TABLE door_records (id serial PRIMARY KEY, text text)")
    pipeline = Pipeline(registry, plain_unit_of_work("door"), kit_pool, Outbox())

    async with kit_pool.acquire() as conn, conn.transaction():
        assert await pipeline.run(Note("accepted"), DOOR, expect=str, conn=conn) == "accepted"
        with pytest.raises(DomainError):
            await pipeline.run(Note("refused", refused=True), DOOR, conn=conn)
        await conn.execute("INSERT INTO door_records (text) VALUES ('cursor moved')")  # the transaction goes on
        assert await texts(kit_pool, "notes") == []  # not committed yet: the commit is the door's

    assert await texts(kit_pool, "notes") == ["accepted"]
    assert await texts(kit_pool, "door_records") == ["cursor moved"]

    with pytest.raises(RuntimeError):
        async with kit_pool.acquire() as conn, conn.transaction():
            await pipeline.run(Note("rolled back with the door"), DOOR, conn=conn)
            raise RuntimeError("the door's transaction fails after the command")
    assert await texts(kit_pool, "notes") == ["accepted"]
