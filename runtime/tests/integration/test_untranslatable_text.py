"""The last guard behind the HTTP edge: text PostgreSQL refuses to store (a NUL byte, a \\u0000 in JSON) that reaches
the database through a door the edge does not read (here a raw body) is the caller's input: 400 with a code."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Request

from tdi_runtime.service import create_service_app

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def app_of(settings):
    router = APIRouter()

    @router.post("/notes")
    async def note(request: Request) -> dict[str, str]:
        text = (await request.body()).decode("utf-8")
        return {"stored": await request.app.state.runtime.pool.fetchval("SELECT $1::text", text)}

    @router.post("/documents")
    async def document(request: Request) -> dict[str, str]:
        text = (await request.body()).decode("utf-8")
        return {"stored": str(await request.app.state.runtime.pool.fetchval("SELECT $1::jsonb", text))}

    @router.get("/counts")
    async def counts(request: Request, n: int, as_text: bool = False) -> dict[str, int]:
        query = "SELECT $1::text::int" if as_text else "SELECT $1::int"
        return {"n": await request.app.state.runtime.pool.fetchval(query, str(n) if as_text else n)}

    return create_service_app(settings, title="probe", description="probe", routers=[router])


@pytest.mark.parametrize(
    ("path", "raw"),
    [("/notes", b"a\x00b"), ("/documents", b'{"a": "\\u0000"}')],
)
async def test_text_the_database_cannot_store_answers_400_invalid_character_not_500(run_service, kit_schema, path, raw):
    async with run_service(app_of, "probe", db_schema=kit_schema, start_consumers=False) as (_, client):
        refused = await client.post(path, content=raw, headers={"content-type": "application/octet-stream"})
        fine = await client.post(path, content=b'{"a": "b"}', headers={"content-type": "application/octet-stream"})
    assert (refused.status_code, refused.json()["code"]) == (400, "INVALID_CHARACTER"), refused.text
    assert refused.json()["message"].startswith("La requête contient un caractère")
    assert fine.status_code == 200


@pytest.mark.parametrize("as_text", [False, True])
async def test_a_number_the_database_cannot_hold_answers_422_not_500(run_service, kit_schema, as_text):
    """asyncpg refuses to encode it (an int past int32), or PostgreSQL refuses it (SQLSTATE 22003)."""
    async with run_service(app_of, "probe", db_schema=kit_schema, start_consumers=False) as (_, client):
        refused = await client.get("/counts", params={"n": 2**40, "as_text": as_text})
        fine = await client.get("/counts", params={"n": 12, "as_text": as_text})
    assert (refused.status_code, refused.json()["code"]) == (422, "INVALID_REQUEST"), refused.text
    assert refused.json()["message"].startswith("Une valeur de la requête est hors des limites")
    assert fine.json() == {"n": 12}
