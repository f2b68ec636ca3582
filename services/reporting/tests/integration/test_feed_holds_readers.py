"""The live feed holds its readers (issue 22 #7, #9; issue 27), over real HTTP (uvicorn), Kafka and PostgreSQL:
one notifier per process wakes every stream (a second replica hears the change by NOTIFY), streams are capped,
a revoked or expired token ends its stream, expensive calls are rate-limited, and a browser opens the feed and
the exports with a short-lived ticket, never with its token in the address."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
import scenario
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa

from tdi_contracts.events.vte import VteContractSigned
from tdi_reporting.app import create_app

from .conftest import AS_STAFF, STAFF_TOKEN, eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@contextlib.asynccontextmanager
async def serve(settings, options, **overrides: Any) -> Any:
    """The service on a free port; yields (app, base URL)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings.model_copy(update=overrides), options)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started)
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def next_event(lines: Any, wanted: tuple[str, ...] = ("figures", "fin")) -> tuple[str, dict[str, Any]]:
    event = ""
    async for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event in wanted:
            return event, json.loads(line[5:])
    raise AssertionError("the feed ended without a message")


def new_contract() -> VteContractSigned:
    first = next(e for e in scenario.vte() if isinstance(e, VteContractSigned))
    body = {**json.loads(first.model_dump_json()), "vte_contract_id": str(uuid.uuid4())}
    return VteContractSigned.model_validate_json(json.dumps(body))


async def test_a_browser_opens_the_feed_and_an_export_with_a_ticket_and_a_token_in_the_address_is_refused(
    settings, options, topics
):
    async with serve(settings, options) as (_, base), httpx.AsyncClient(base_url=base, timeout=60) as client:
        leaked = await client.get("/api/feed", params={"access_token": STAFF_TOKEN})
        assert (leaked.status_code, leaked.json()["code"]) == (400, "ACCESS_TOKEN_IN_URL")
        assert "ticket" in leaked.json()["message"]

        issued = await client.post("/api/tickets", params={"purpose": "feed"}, headers=AS_STAFF)
        assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
        ticket = issued.json()["ticket"]
        assert STAFF_TOKEN not in ticket
        async with client.stream("GET", "/api/feed", params={"ticket": ticket}) as stream:
            assert stream.status_code == 200
            event, figures = await next_event(stream.aiter_lines())
            assert event == "figures" and "vte_total" in figures

        export = (await client.post("/api/tickets", params={"purpose": "export"}, headers=AS_STAFF)).json()["ticket"]
        wrong = await client.get("/api/feed", params={"ticket": export})
        assert (wrong.status_code, wrong.json()["code"]) == (401, "INVALID_TICKET")
        file = await client.get("/api/exports/territoires.csv", params={"ticket": export})
        assert file.status_code == 200 and file.headers["content-type"].startswith("text/csv")
        unknown = await client.post("/api/tickets", params={"purpose": "commande"}, headers=AS_STAFF)
        assert (unknown.status_code, unknown.json()["code"]) == (422, "INVALID_REQUEST")


async def test_a_change_reaches_every_stream_of_both_replicas_with_one_cursor_read_per_process(
    settings, options, topics, publish
):
    async with (
        serve(settings, options) as (folding, base_a),
        serve(settings, options, start_consumers=False) as (other, base_b),  # a replica that does not fold
        httpx.AsyncClient(timeout=60, headers=AS_STAFF) as client,
        contextlib.AsyncExitStack() as streams,
    ):
        readers = []
        for base in [base_a] * 5 + [base_b] * 5:
            stream = await streams.enter_async_context(client.stream("GET", f"{base}/api/feed"))
            lines = stream.aiter_lines()
            _, first = await next_event(lines)
            readers.append((lines, first["vte_total"]["contrats_signes"]))
        reads_before = [app.state.feed.notifier.cursor_reads for app in (folding, other)]
        await publish([new_contract()])
        for lines, before in readers:  # each stream gets the change, pushed (none of them polls)
            while True:
                _, latest = await next_event(lines)
                if latest["vte_total"]["contrats_signes"] > before:
                    break
        reads_after = [app.state.feed.notifier.cursor_reads for app in (folding, other)]
        assert all(after - before <= 2 for before, after in zip(reads_before, reads_after, strict=True)), (
            "the cursor is read once per change and process, not once per stream",
            reads_before,
            reads_after,
        )


async def test_streams_above_the_callers_cap_and_the_instances_cap_are_refused_with_retry_after(
    settings, options, topics
):
    tokens = {STAFF_TOKEN: "staff", "lecteur-a": "reader", "lecteur-b": "national"}
    capped = options.model_copy(update={"feed_max_streams": 3, "feed_max_streams_per_caller": 2})
    async with (
        serve(settings, capped, api_tokens=tokens) as (_, base),
        httpx.AsyncClient(base_url=base, timeout=60) as client,
        contextlib.AsyncExitStack() as streams,
    ):
        held = []  # a line iterator dropped would close its stream: keep them
        for _ in range(2):
            opened = await streams.enter_async_context(client.stream("GET", "/api/feed", headers=AS_STAFF))
            held.append(opened.aiter_lines())
            await next_event(held[-1])
        third = await client.get("/api/feed", headers=AS_STAFF)
        assert (third.status_code, third.json()["code"]) == (429, "TOO_MANY_STREAMS")
        assert third.headers["retry-after"] == "5"
        other = await streams.enter_async_context(
            client.stream("GET", "/api/feed", headers={"Authorization": "Bearer lecteur-a"})
        )
        held.append(other.aiter_lines())
        await next_event(held[-1])
        full = await client.get("/api/feed", headers={"Authorization": "Bearer lecteur-b"})
        assert (full.status_code, full.json()["code"]) == (503, "STREAMS_FULL") and full.headers["retry-after"]


async def test_a_revoked_static_token_ends_its_stream_at_the_next_change(settings, options, topics, publish):
    tokens = {STAFF_TOKEN: "staff", "jeton-a-revoquer": "national"}
    async with (
        serve(settings, options, api_tokens=tokens) as (app, base),
        httpx.AsyncClient(base_url=base, timeout=60) as client,
    ):
        ticket = await client.post(
            "/api/tickets", params={"purpose": "feed"}, headers={"Authorization": "Bearer jeton-a-revoquer"}
        )
        async with client.stream("GET", "/api/feed", params={"ticket": ticket.json()["ticket"]}) as stream:
            lines = stream.aiter_lines()
            await next_event(lines)
            del app.state.runtime.settings.api_tokens["jeton-a-revoquer"]  # revoked by the operator
            await publish([new_contract()])
            event, body = await next_event(lines)
            while event != "fin":
                event, body = await next_event(lines)
            assert body["code"] == "UNAUTHENTICATED" and body["message"]


async def test_an_expired_token_ends_its_stream_without_any_change(settings, options, topics, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}), encoding="utf-8")
    soon = int(time.time()) + 3
    token = jwt.encode(
        {"sub": "agent-fin", "exp": soon, "tdi_role": "national"}, key, algorithm="RS256", headers={"kid": "k1"}
    )
    async with (
        serve(settings, options, jwt_jwks_file=str(jwks)) as (_, base),
        httpx.AsyncClient(base_url=base, timeout=60) as client,
        client.stream("GET", "/api/feed", headers={"Authorization": f"Bearer {token}"}) as stream,
    ):
        lines = stream.aiter_lines()
        event, _ = await next_event(lines)
        assert event == "figures"
        event, body = await next_event(lines)
        assert (event, body["code"]) == ("fin", "TOKEN_EXPIRED") and time.time() >= soon


async def test_exports_past_the_callers_rate_get_429_with_retry_after(settings, options, topics):
    limited = options.model_copy(update={"rate_exports_burst": 2, "rate_exports_per_minute": 1})
    async with serve(settings, limited) as (_, base), httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(2):
            assert (await client.get("/api/exports/territoires.json", headers=AS_STAFF)).status_code == 200
        refused = await client.get("/api/exports/territoires.json", headers=AS_STAFF)
        assert (refused.status_code, refused.json()["code"]) == (429, "RATE_LIMITED")
        assert int(refused.headers["retry-after"]) >= 1 and refused.json()["message"]
