"""The kit's HTTP edge: what no route should ever see (control characters, oversized bodies) is refused with a
stable code and a French sentence before any route runs, and every answer carries the security headers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel

from tdi_contracts.errors import ErrorCode
from tdi_runtime.http_edge import body_limit
from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

KIT_LIMIT = 1_000
UPLOAD_LIMIT = 5_000


class Fiche(BaseModel):
    title: str
    description: str = ""
    partners: list[str] = []


class Plan(BaseModel):
    territory_id: str
    fiche: Fiche


def client(reached: list[Any] | None = None) -> TestClient:
    """A service of the kit (no lifespan: nothing here needs the database) whose routes note what reached them."""
    seen = reached if reached is not None else []
    router = APIRouter()

    @router.get("/territories/{territory_id}")
    async def territory(territory_id: str) -> dict[str, str]:
        seen.append(territory_id)
        return {"territory_id": territory_id}

    @router.get("/fiches")
    async def fiches(territory_id: str | None = None, q: str | None = None) -> dict[str, Any]:
        seen.append((territory_id, q))
        return {"territory_id": territory_id, "q": q}

    @router.post("/plans")
    async def plan(body: Plan) -> dict[str, Any]:
        seen.append(body)
        return body.model_dump()

    @router.post("/imports", openapi_extra=body_limit(UPLOAD_LIMIT, ErrorCode.IMPORT_FILE_TOO_LARGE))
    async def upload(request: Request) -> dict[str, int]:
        data = await request.body()
        seen.append(len(data))
        return {"bytes": len(data)}

    settings = ServiceSettings.for_service("probe", deployment="local", http_max_body_bytes=KIT_LIMIT)
    return TestClient(create_service_app(settings, title="probe", description="probe", routers=[router]))


def refusal(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    body: dict[str, Any] = answer.json()
    assert body["message"] and body["message"][0].isupper()
    return body


def test_a_nul_byte_in_a_path_gets_400_with_a_code_and_never_reaches_the_route():
    reached: list[Any] = []
    body = refusal(client(reached).get("/territories/%00"), 400, "INVALID_CHARACTER")
    assert body["errors"] == [
        {"field": "path", "code": "control_character", "message": "Caractère interdit U+0000 en position 14."}
    ]
    assert "chemin" in body["message"]
    assert reached == []


@pytest.mark.parametrize(
    ("encoded", "code_point"),
    [("%00", "U+0000"), ("%01", "U+0001"), ("%09", "U+0009"), ("%0A", "U+000A"), ("%1F", "U+001F"),
     ("%7F", "U+007F"), ("%C2%85", "U+0085"), ("%C2%9F", "U+009F")],
)  # fmt: skip
def test_a_control_character_in_a_query_parameter_gets_400_naming_the_parameter(encoded: str, code_point: str):
    reached: list[Any] = []
    body = refusal(client(reached).get(f"/fiches?q=ok&territory_id=ti-{encoded}84"), 400, "INVALID_CHARACTER")
    assert body["errors"] == [
        {"field": "query.territory_id", "code": "control_character", "message": f"Caractère interdit {code_point}"
         " en position 4."}
    ]  # fmt: skip
    assert "territory_id" in body["message"]
    assert reached == []


def test_accents_and_spaces_in_a_path_or_a_query_still_reach_the_route():
    reached: list[Any] = []
    api = client(reached)
    assert api.get("/territories/Ch%C3%A2lons%20en%20Champagne").json() == {"territory_id": "Châlons en Champagne"}
    assert api.get("/fiches?q=r%C3%A9seau+de+chaleur").json()["q"] == "réseau de chaleur"


def test_a_nul_anywhere_in_a_json_string_gets_422_with_the_field_path_and_never_reaches_the_route():
    reached: list[Any] = []
    document = {"territory_id": "ti-8413", "fiche": {"title": "Réseau", "partners": ["ADEME", "CCI\u0000"]}}
    body = refusal(client(reached).post("/plans", json=document), 422, "INVALID_CHARACTER")
    assert body["errors"] == [
        {"field": "body.fiche.partners.1", "code": "control_character", "message": "Caractère interdit U+0000"
         " en position 4."}
    ]  # fmt: skip
    assert reached == []


def test_a_lone_surrogate_in_a_json_string_or_key_gets_422_too():
    document = b'{"territory_id": "ti-8413", "fiche": {"title": "a\\ud800", "\\udc00": 1}}'
    body = refusal(
        client().post("/plans", content=document, headers={"content-type": "application/json"}),
        422,
        "INVALID_CHARACTER",
    )
    assert [e["field"] for e in body["errors"]] == ["body.fiche.title", "body.fiche.\\udc00"]


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul_byte():
    document = b'{"territory_id": "ti-8413", "fiche": {"title": "a\\\\u0000b"}}'
    answer = client().post("/plans", content=document, headers={"content-type": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["fiche"]["title"] == "a\\u0000b"


def test_a_body_above_the_kit_limit_gets_413_before_it_is_parsed():
    reached: list[Any] = []
    padding = "x" * KIT_LIMIT
    body = refusal(client(reached).post("/plans", json={"territory_id": padding}), 413, "REQUEST_TOO_LARGE")
    assert "1\u202f000 octets" in body["message"]
    assert reached == []


def test_a_streamed_body_without_a_length_is_counted_and_refused_past_the_limit():
    def chunks():
        yield b'{"territory_id": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'", "fiche": {"title": "t"}}'

    refusal(client().post("/plans", content=chunks(), headers={"content-type": "application/json"}), 413,
            "REQUEST_TOO_LARGE")  # fmt: skip


def test_an_upload_route_keeps_its_own_larger_limit_and_its_own_code():
    reached: list[Any] = []
    api = client(reached)
    assert api.post("/imports", content=b"a" * (KIT_LIMIT * 3)).json() == {"bytes": KIT_LIMIT * 3}
    refusal(api.post("/imports", content=b"a" * (UPLOAD_LIMIT + 1)), 413, "IMPORT_FILE_TOO_LARGE")

    def chunks():
        for _ in range(60):
            yield b"a" * 100

    refusal(api.post("/imports", content=chunks()), 413, "IMPORT_FILE_TOO_LARGE")
    assert reached == [KIT_LIMIT * 3]


SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")


def test_every_answer_carries_a_strict_content_security_policy_and_no_sniffing():
    api = client()
    answers = [
        api.get("/territories/ti-8413"),
        api.get("/nowhere"),
        api.get("/territories/%00"),
        api.post("/plans", json={"territory_id": "x" * 2000}),
        api.get("/openapi.json"),
    ]
    for answer in answers:
        assert all(name in answer.headers for name in SECURITY_HEADERS), (answer.status_code, answer.headers)
        policy = answer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"


def test_the_api_documentation_page_runs_no_inline_script_under_the_strict_policy():
    import re

    answer = client().get("/docs")
    assert answer.status_code == 200
    assert not re.findall(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", answer.text, re.S)
    script_src = answer.headers["content-security-policy"].split("script-src", 1)[1].split(";", 1)[0]
    assert script_src.strip() == "'self'"
