"""An Idempotency-Key is never held for good: a failed command frees it, a stale reservation is taken over."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest
from fastapi import APIRouter, Depends, Request

from tdi_runtime.http_access import commands
from tdi_runtime.service import Runtime, create_service_app
from tdi_runtime.testing import unique_name

pytestmark = pytest.mark.integration

TOKEN = "test-staff-token"
OTHER = "test-other-staff-token"
BODY = {"name": "Binôme Reims"}


def kit_app(settings, failures: list[Exception]):
    """A service with one command, POST /things, that raises the exceptions of `failures` first."""
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create_thing(request: Request, body: dict[str, str]) -> dict[str, int]:
        if failures:
            raise failures.pop(0)
        pool = request.app.state.runtime.pool
        return {"id": await pool.fetchval("INSERT INTO things (name) VALUES ($1) RETURNING id", body["name"])}

    @router.post("/guarded", status_code=201, dependencies=[Depends(commands())])
    async def guarded(body: dict[str, str]) -> dict[str, str]:
        return body

    async def create_table(rt: Runtime) -> None:
        await rt.pool.execute("CREATE TABLE IF NOT EXISTS things (id serial PRIMARY KEY, name text)")

    return create_service_app(settings, title="t", description="t", routers=[router], on_started=[create_table])


@pytest.fixture
def service(run_service, platform_stack):
    def _start(failures: list[Exception], **settings):
        return run_service(
            lambda s: kit_app(s, failures),
            "probe",
            database_url=platform_stack.database_url,
            db_schema=unique_name("idem_"),
            start_consumers=False,
            start_relay=False,
            start_retention=False,
            idempotency_reservation_s=30,
            api_tokens={TOKEN: "staff", OTHER: "staff"},
            **settings,
        )

    return _start


def client_of(app, token: str | None = TOKEN) -> httpx.AsyncClient:
    """A caller that sees what an HTTP client would (a 500), not the exception itself."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {token}".encode("latin-1")} if token else {}  # bytes: "é" is sent too
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


async def test_a_command_that_raised_frees_its_key_and_the_retry_is_applied_once(service):
    async with service([RuntimeError("bug in the handler")]) as (app, _), client_of(app) as client:
        first = await client.post("/things", json=BODY, headers={"Idempotency-Key": "k-1"})
        retry = await client.post("/things", json=BODY, headers={"Idempotency-Key": "k-1"})
        again = await client.post("/things", json=BODY, headers={"Idempotency-Key": "k-1"})
        count = await app.state.runtime.pool.fetchval("SELECT count(*) FROM things")

    assert first.status_code == 500
    assert (retry.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == retry.json()
    assert count == 1


async def test_a_stale_reservation_is_taken_over_and_a_live_one_still_answers_in_progress(service):
    scope = hashlib.sha256(f"Bearer {TOKEN}".encode()).hexdigest()[:32]
    body = json.dumps(BODY).encode()
    digest = hashlib.sha256(b"\n".join([b"POST", b"/things", body])).hexdigest()
    async with service([]) as (app, _), client_of(app) as client:
        pool = app.state.runtime.pool
        await pool.execute(  # left by processes killed mid-request: one long ago, one still within its expiry
            "INSERT INTO http_requests (scope, key, digest, created_at, reserved_until) VALUES"
            " ($1, 'stale', $2, now() - interval '10 minutes', now() - interval '1 second'),"
            " ($1, 'legacy', $2, now() - interval '10 minutes', NULL),"
            " ($1, 'live', $2, now(), now() + interval '1 minute')",
            scope,
            digest,
        )
        headers = {"Content-Type": "application/json"}
        answers = {
            key: await client.post("/things", content=body, headers={**headers, "Idempotency-Key": key})
            for key in ("stale", "legacy", "live")
        }
        count = await pool.fetchval("SELECT count(*) FROM things")

    assert {k: a.status_code for k, a in answers.items()} == {"stale": 201, "legacy": 201, "live": 409}
    assert answers["live"].json()["code"] == "REQUEST_IN_PROGRESS"
    assert count == 2


async def test_a_post_without_a_valid_token_never_writes_an_idempotency_row(service):
    """Issue 22 #3: anonymous POSTs with fresh keys used to insert a row each (kept 7 days), even for a 401."""
    odd = [None, "guess", "é", "a.b.c"]
    async with service([]) as (app, _):
        answers = []
        for n, token in enumerate(odd):
            async with client_of(app, token) as caller:
                answers.append(await caller.post("/guarded", json=BODY, headers={"Idempotency-Key": f"anon-{n}"}))
        rows = await app.state.runtime.pool.fetchval("SELECT count(*) FROM http_requests")
    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (401, "UNAUTHENTICATED"), (401, "UNAUTHENTICATED"), (401, "INVALID_TOKEN"), (401, "UNAUTHENTICATED")
    ]  # fmt: skip
    assert rows == 0


async def test_a_caller_past_its_live_keys_gets_429_with_retry_after_and_its_own_keys_still_replay(service):
    async with service([], idempotency_max_keys_per_caller=3) as (app, _), client_of(app) as client:
        firsts = [
            await client.post("/things", json={"name": f"n{i}"}, headers={"Idempotency-Key": f"b-{i}"})
            for i in range(3)
        ]
        refused = await client.post("/things", json={"name": "n3"}, headers={"Idempotency-Key": "b-3"})
        replayed = await client.post("/things", json={"name": "n0"}, headers={"Idempotency-Key": "b-0"})
        unkeyed = await client.post("/things", json={"name": "no key"})
        async with client_of(app, OTHER) as other:
            another_caller = await other.post("/things", json={"name": "o"}, headers={"Idempotency-Key": "b-3"})
        keys = await app.state.runtime.pool.fetch("SELECT count(*) AS n FROM http_requests GROUP BY scope")
    assert [a.status_code for a in firsts] == [201, 201, 201]
    assert (refused.status_code, refused.json()["code"]) == (429, "TOO_MANY_IDEMPOTENCY_KEYS")
    assert refused.json()["message"].startswith("Vous avez trop de clés d'idempotence")
    assert 0 < int(refused.headers["retry-after"]) <= 7 * 24 * 3600
    assert (replayed.status_code, replayed.headers["idempotent-replayed"]) == (201, "true")
    assert replayed.json() == firsts[0].json()
    assert unkeyed.status_code == 201 and another_caller.status_code == 201
    assert sorted(k["n"] for k in keys) == [1, 3]
