"""A full, slow or unanswering database: the service pauses and says so, dead-letters nothing, answers 503.

Faults are injected in the real database without stopping it (the shared stack): a trigger raising SQLSTATE
53100 (disk full) or sleeping past the statement timeout, a lock the readiness query waits behind.
"""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Request
from prometheus_client.parser import text_string_to_metric_families

from tdi_contracts.topics import dlq_topic
from tdi_runtime.probe import create_probe_app
from tdi_runtime.service import create_service_app
from tdi_runtime.testing import probe_event, publish_records, read_topic, until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
TOKEN = "faults-staff-token"
STAFF = {"Authorization": f"Bearer {TOKEN}"}  # the Idempotency-Key is read for authenticated callers only

DISK_FULL = """
CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$;
CREATE TRIGGER disk_full BEFORE INSERT ON probe_effects FOR EACH ROW EXECUTE FUNCTION refuse_write();
"""
SLOW = """
CREATE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$;
CREATE TRIGGER slow BEFORE INSERT ON probe_effects FOR EACH ROW EXECUTE FUNCTION slow_write();
"""


def gauge(exposition: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                return float(sample.value)
    raise AssertionError(f"no {name} {labels} in /metrics")


async def applied(pool) -> tuple[int, int]:
    row = await pool.fetchrow("SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM probe_effects")
    return row["n"], row["d"]


async def pause_then_recover(run_service, platform_stack, kit_pool, kit_schema, topic, group, fault, clear, **kw):
    """Publish 300 events into a fault; return what /readyz and /metrics said meanwhile, once all applied."""
    app_of = lambda s: create_probe_app(s, group, [topic])  # noqa: E731
    async with run_service(app_of, "probe", db_schema=kit_schema, commit_interval_s=0.2, **kw) as (_, client):
        await kit_pool.execute(fault)
        await publish_records(
            platform_stack.bootstrap_servers, topic, [probe_event(7000 + i % 9, i) for i in range(300)]
        )

        async def paused() -> bool:
            return (await client.get("/readyz")).status_code == 503

        await until(paused, "the service reports the fault")
        readiness = (await client.get("/readyz")).json()
        metrics = (await client.get("/metrics")).text
        await kit_pool.execute(clear)

        async def done() -> bool:
            return (await applied(kit_pool))[1] == 300 and (await client.get("/readyz")).status_code == 200

        await until(done, "every event applied and the service ready again")
    return readiness, metrics


async def test_a_full_disk_pauses_the_consumer_says_so_and_loses_or_dead_letters_nothing(
    run_service, platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    topic, group = await new_topic(partitions=3), await new_group()
    clear = "DROP TRIGGER disk_full ON probe_effects"
    readiness, metrics = await pause_then_recover(
        run_service, platform_stack, kit_pool, kit_schema, topic, group, DISK_FULL, clear
    )
    assert readiness["status"] == "not ready"
    assert "DiskFullError" in readiness["checks"][f"consumer {group}"]
    assert gauge(metrics, "tdi_retrying_attempts", stage=group) >= 1, "the paused consumer shows in /metrics"
    assert await applied(kit_pool) == (300, 300)
    assert await read_topic(platform_stack.bootstrap_servers, dlq_topic(group), expect=0) == []


async def test_a_database_slower_than_the_statement_timeout_is_retried_never_dead_lettered(
    run_service, platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    topic, group = await new_topic(partitions=3), await new_group()
    clear = "DROP TRIGGER slow ON probe_effects"
    readiness, _ = await pause_then_recover(
        run_service, platform_stack, kit_pool, kit_schema, topic, group, SLOW, clear, db_statement_timeout_s=0.5
    )
    assert "QueryCanceledError" in readiness["checks"][f"consumer {group}"]
    assert await applied(kit_pool) == (300, 300)
    assert await read_topic(platform_stack.bootstrap_servers, dlq_topic(group), expect=0) == []


async def test_readiness_reports_a_database_that_does_not_answer_in_time_as_slow(
    run_service, platform_stack, kit_pool, kit_schema
):
    app_of = lambda s: create_service_app(s, title="probe", description="probe")  # noqa: E731
    async with run_service(app_of, "probe", db_schema=kit_schema) as (_, client):

        async def ready() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await until(ready, "ready before the fault")
        async with kit_pool.acquire() as conn, conn.transaction():
            await conn.execute("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE")  # readiness waits behind
            answer = await client.get("/readyz")
        metrics = (await client.get("/metrics")).text
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == "slow: no answer within 2 s"
    assert gauge(metrics, "tdi_database_latency_seconds", service="probe") >= 2


async def test_a_request_that_meets_a_full_disk_answers_503_with_a_code_and_a_french_sentence(
    run_service, kit_pool, kit_schema
):
    router = APIRouter()

    @router.post("/effects")
    async def write(request: Request) -> dict[str, str]:
        await request.app.state.runtime.pool.execute(
            "INSERT INTO probe_effects (event_id, territory, seq) VALUES ('http', 'ti-1', 1)"
        )
        return {"status": "written"}

    app_of = lambda s: create_service_app(s, title="probe", description="probe", routers=[router])  # noqa: E731
    async with run_service(app_of, "probe", db_schema=kit_schema) as (_, client):
        await kit_pool.execute(DISK_FULL)
        answer = await client.post("/effects")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["code"] == "SERVICE_UNAVAILABLE"
    assert answer.json()["message"].startswith("Le service est momentanément indisponible")


async def test_a_command_whose_idempotency_key_cannot_be_reserved_answers_503_not_500(
    run_service, kit_pool, kit_schema
):
    app_of = lambda s: create_service_app(s, title="probe", description="probe")  # noqa: E731
    async with run_service(app_of, "probe", db_schema=kit_schema, api_tokens={TOKEN: "staff"}) as (_, client):
        await kit_pool.execute(DISK_FULL.replace("probe_effects", "http_requests"))
        answer = await client.post("/anything", headers={"Idempotency-Key": "k-1", **STAFF}, json={})
    assert answer.status_code == 503
    assert answer.json()["code"] == "SERVICE_UNAVAILABLE"


async def test_a_command_applied_just_before_the_database_fails_still_answers_its_success_not_500(
    run_service, kit_pool, kit_schema
):
    """The command committed; only storing its answer for retries failed: the caller learns it was applied."""
    router = APIRouter()

    @router.post("/effects", status_code=201)
    async def write(request: Request) -> dict[str, str]:
        await request.app.state.runtime.pool.execute(
            "INSERT INTO probe_effects (event_id, territory, seq) VALUES ('http-once', 'ti-1', 1)"
        )
        return {"status": "written"}

    refuse_answer = DISK_FULL.replace("BEFORE INSERT ON probe_effects", "BEFORE UPDATE ON http_requests")
    app_of = lambda s: create_service_app(s, title="probe", description="probe", routers=[router])  # noqa: E731
    async with run_service(app_of, "probe", db_schema=kit_schema, api_tokens={TOKEN: "staff"}) as (_, client):
        await kit_pool.execute(refuse_answer)
        answer = await client.post("/effects", headers={"Idempotency-Key": "k-answer", **STAFF}, json={})
    assert answer.status_code == 201
    assert answer.json() == {"status": "written"}
    assert await applied(kit_pool) == (1, 1)
