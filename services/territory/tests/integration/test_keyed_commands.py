"""HTTP commands with an Idempotency-Key (issue 27): the key's reservation and its stored answer ride in the
command's own transaction, so a keyed EPCI join commits once, with the same guarantees as before: a retry answers
the stored answer, a same-key request while the first runs is refused in progress, a failed command keeps nothing.

Every test sends a first keyed command to the route before the one it looks at: a route is served in the command's
transaction once this process has seen it run through the pipeline (`tdi_runtime.idempotency`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from tdi_contracts.ids import luhn_is_valid
from tdi_runtime.testing import unique_name

pytestmark = pytest.mark.integration

JOIN = "/territories/tdi-44-grand-reims/epci"
QUIET = {"start_relay": False, "start_consumers": False, "start_retention": False}


@pytest.fixture
def schema() -> str:
    return unique_name("territory_k")


def epci(n: int) -> dict[str, str]:
    base = f"2001{n:04d}"
    siren = base + next(d for d in "0123456789" if luhn_is_valid(base + d))
    return {"siren": siren, "name": f"CC numéro {n}", "nature_juridique": "CC", "joined_on": "2024-01-15"}


@contextlib.contextmanager
def statements_sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement asyncpg sends (one round trip each), in order: the public methods, which BEGIN, COMMIT and
    the pool's reset use too."""
    sent: list[str] = []
    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        original = getattr(asyncpg.connection.Connection, name)

        def wrapper(self: Any, query: str, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            sent.append(" ".join(query.split()))
            return _original(self, query, *args, **kwargs)

        monkeypatch.setattr(asyncpg.connection.Connection, name, wrapper)
    yield sent
    monkeypatch.undo()


def commits(statements: list[str]) -> int:
    """Transactions that wrote: each COMMIT, and each write sent outside a transaction (autocommit)."""
    count, inside = 0, False
    for s in statements:
        word = s.split(" ", 1)[0].upper().rstrip(";")
        if s.upper().startswith("ROLLBACK TO"):  # a savepoint's: the transaction goes on
            continue
        if word in ("BEGIN", "START"):
            inside = True
        elif word in ("COMMIT", "ROLLBACK"):
            count += word == "COMMIT"
            inside = False
        elif not inside and word in ("INSERT", "UPDATE", "DELETE"):
            count += 1
    return count


async def test_a_keyed_epci_join_commits_once(territory_service, monkeypatch, db):
    async with territory_service(**QUIET) as (_, client):
        warm = await client.post(JOIN, json=epci(1), headers={"Idempotency-Key": "warm-up"})
        with statements_sent(monkeypatch) as sent:
            joined = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "join-2"})
    print(f"\n{len(sent)} statements, {commits(sent)} commits:\n" + "\n".join(sent))

    assert (warm.status_code, joined.status_code) == (201, 201), joined.text
    assert commits(sent) == 1
    assert await db.fetchval("SELECT status FROM http_requests WHERE key = 'join-2'") == 201


async def test_a_retried_key_answers_the_stored_answer_and_the_epci_joins_once(territory_service, db):
    async with territory_service(**QUIET) as (_, client):
        await client.post(JOIN, json=epci(1), headers={"Idempotency-Key": "warm-up"})
        first = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "k"})
        retry = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "k"})
        other = await client.post(JOIN, json=epci(3), headers={"Idempotency-Key": "k"})

    assert first.status_code == 201, first.text
    assert retry.status_code == 201 and retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await db.fetchval("SELECT count(*) FROM epci_memberships WHERE siren = $1", epci(2)["siren"]) == 1
    assert await db.fetchval("SELECT count(*) FROM epci_memberships WHERE siren = $1", epci(3)["siren"]) == 0


async def test_a_refused_command_keeps_its_refusal_for_the_retry_and_nothing_of_its_effects(territory_service, db):
    async with territory_service(**QUIET) as (_, client):
        await client.post(JOIN, json=epci(1), headers={"Idempotency-Key": "warm-up"})
        elsewhere = await client.post("/territories/tdi-53-centre-morbihan/epci", json=epci(2))
        refused = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "refused"})
        retry = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "refused"})

    assert elsewhere.status_code == 201, elsewhere.text
    assert refused.status_code == 409 and refused.json()["code"] == "EPCI_ALREADY_IN_TERRITORY"
    assert retry.status_code == 409 and retry.json() == refused.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert await db.fetchval("SELECT count(*) FROM epci_memberships WHERE siren = $1", epci(2)["siren"]) == 1


async def test_a_same_key_request_while_the_first_runs_is_refused_in_progress(
    territory_service, platform_stack, schema, db
):
    async with territory_service(**QUIET) as (_, client):
        await client.post(JOIN, json=epci(1), headers={"Idempotency-Key": "warm-up"})
        blocker = await asyncpg.connect(platform_stack.database_url, server_settings={"search_path": schema})
        try:
            locked = blocker.transaction()
            await locked.start()
            await blocker.execute("SELECT 1 FROM territories WHERE id = 'tdi-44-grand-reims' FOR UPDATE")
            first = asyncio.create_task(client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "slow"}))
            await waiting_for_a_lock(db)
            meanwhile = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "slow"})
            await locked.rollback()
            done = await first
        finally:
            await blocker.close()
        after = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "slow"})

    assert meanwhile.status_code == 409 and meanwhile.json()["code"] == "REQUEST_IN_PROGRESS"
    assert done.status_code == 201, done.text
    assert after.status_code == 201 and after.headers["Idempotent-Replayed"] == "true"
    assert await db.fetchval("SELECT count(*) FROM epci_memberships WHERE siren = $1", epci(2)["siren"]) == 1


async def test_a_command_that_failed_keeps_no_reservation_and_its_retry_is_applied_once(territory_service, db):
    async with territory_service(**QUIET) as (app, client):
        await client.post(JOIN, json=epci(1), headers={"Idempotency-Key": "warm-up"})
        pipeline = app.state.runtime.pipeline
        outbox = pipeline.outbox
        pipeline.outbox = Failing(outbox)  # the state is flushed, then the outbox write fails
        try:
            failed = (await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "fails"})).status_code
        except RuntimeError:  # what an HTTP client sees as a 500
            failed = 500
        left = await db.fetchval("SELECT count(*) FROM http_requests WHERE key = 'fails'")
        pipeline.outbox = outbox
        retry = await client.post(JOIN, json=epci(2), headers={"Idempotency-Key": "fails"})

    assert failed == 500
    assert left == 0
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    assert await db.fetchval("SELECT count(*) FROM epci_memberships WHERE siren = $1", epci(2)["siren"]) == 1


class Failing:
    def __init__(self, outbox: Any) -> None:
        self.outbox = outbox

    async def add(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("outbox write failed")


async def waiting_for_a_lock(db: asyncpg.Pool, timeout: float = 60.0) -> None:
    """Until a session of the service waits for a row lock (the bound only turns a hang into a failure)."""
    deadline = asyncio.get_running_loop().time() + timeout
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'tdi-territory'"
    )
    while not await db.fetchval(query):
        assert asyncio.get_running_loop().time() < deadline, "the first request never waited for the territory"
        await asyncio.sleep(0.05)
