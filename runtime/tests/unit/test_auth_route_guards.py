"""Route guards: a token is needed on every guarded route, the scope holds, and OpenAPI says who may call."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from tdi_runtime.access import Access
from tdi_runtime.http import install_error_handlers
from tdi_runtime.http_access import commands, documented, reads, undocumented_routes
from tdi_runtime.settings import ServiceSettings

TOKENS = {"anct": "staff", "ge": "regional:44", "fv": "instructor:fonds-vert-ti", "lecteur": "reader"}
THINGS = {"a": "44", "b": "76"}
Reader = Annotated[Access, Depends(reads())]
Writer = Annotated[Access, Depends(commands())]
BrowserReader = Annotated[Access, Depends(reads(query_token=True))]


def app() -> FastAPI:
    router = APIRouter()

    @router.get("/things")
    async def things(access: Reader, region: str | None = None) -> list[str]:
        wanted = access.region_filter(region)
        return [k for k, r in THINGS.items() if wanted in (None, r)]

    @router.post("/things/{key}")
    async def change(key: str, access: Writer) -> dict[str, str]:
        access.require_region(THINGS[key])
        return {"changed": key}

    @router.get("/feed")
    async def feed(access: BrowserReader) -> dict[str, str]:
        return {"role": access.role}

    @router.get("/open")
    async def open_route() -> dict[str, str]:
        return {}

    api = FastAPI()
    api.state.runtime = SimpleNamespace(settings=ServiceSettings.for_service("funding", api_tokens=TOKENS))
    install_error_handlers(api)
    api.include_router(documented(router))
    return api


@lru_cache(maxsize=1)
def client() -> TestClient:
    return TestClient(app())


def call(method: str, path: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client().request(method, path, headers=headers)


def test_a_regional_list_holds_only_its_region_and_another_region_is_refused():
    assert call("GET", "/things", "ge").json() == ["a"]
    assert call("GET", "/things", "anct").json() == ["a", "b"]
    assert call("GET", "/things?region=76", "ge").json()["code"] == "OUT_OF_REGION"


def test_a_command_on_another_region_or_by_a_reader_is_refused_with_its_code():
    assert call("POST", "/things/a", "ge").json() == {"changed": "a"}
    assert [call("POST", "/things/b", t).json().get("code") for t in ("ge", "lecteur", "fv", "anct")] == [
        "OUT_OF_REGION",
        "READ_ONLY_ROLE",
        "FORBIDDEN",
        None,
    ]


def test_without_a_token_a_guarded_route_answers_401_and_a_browser_may_pass_it_in_the_query():
    answer = call("GET", "/things")
    assert (answer.status_code, answer.json()["code"]) == (401, "UNAUTHENTICATED")
    assert call("GET", "/feed?access_token=lecteur").json() == {"role": "reader"}
    assert call("GET", "/feed?access_token=nope").json()["code"] == "UNAUTHENTICATED"


def test_openapi_names_the_bearer_scheme_roles_and_scope_of_every_guarded_route():
    doc = app().openapi()
    assert undocumented_routes(doc) == ["GET /open"]
    assert undocumented_routes(doc, public=["/open"]) == []
    change = doc["paths"]["/things/{key}"]["post"]
    assert change["security"] == [{"HTTPBearer": []}]
    assert (change["x-tdi-roles"], change["x-tdi-scope"]) == (["national", "regional"], "region")
    assert "403" in change["responses"] and "national, regional" in change["description"]
    assert doc["paths"]["/things"]["get"]["x-tdi-roles"] == ["national", "regional", "instructor", "reader"]
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
