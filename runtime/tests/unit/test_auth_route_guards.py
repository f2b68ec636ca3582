"""Route guards: a token is needed on every guarded route, the scope holds, and OpenAPI says who may call."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from tdi_runtime.http import install_error_handlers
from tdi_runtime.http_access import commands, documented, reads, undocumented_routes
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.tickets import Credential, Tickets, token_digest

TOKENS = {"anct": "staff", "ge": "regional:44", "fv": "instructor:fonds-vert-ti", "lecteur": "reader"}
THINGS = {"a": "44", "b": "76"}
Reader = Annotated[Caller, Depends(reads())]
Writer = Annotated[Caller, Depends(commands())]
BrowserReader = Annotated[Caller, Depends(reads(ticket="feed"))]


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
    api.state.tickets = Tickets(b"k" * 32, ttl_s=30)
    install_error_handlers(api)
    api.include_router(documented(router))
    return api


@lru_cache(maxsize=1)
def client() -> TestClient:
    return TestClient(app())


def call(method: str, path: str, token: str | None = None, **kwargs: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client().request(method, path, headers=headers, **kwargs)


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


def test_without_a_token_a_guarded_route_answers_401():
    answer = call("GET", "/things")
    assert (answer.status_code, answer.json()["code"]) == (401, "UNAUTHENTICATED")


def test_a_token_in_the_address_is_refused_with_a_code_saying_to_use_a_ticket():
    for path in ("/feed?access_token=lecteur", "/things?access_token=anct", "/feed?access_token=nope"):
        answer = call("GET", path)
        assert (answer.status_code, answer.json()["code"]) == (400, "ACCESS_TOKEN_IN_URL"), path
        assert "ticket" in answer.json()["message"]


def test_a_browser_opens_a_stream_with_a_short_lived_ticket_of_that_purpose_only():
    tickets = Tickets(b"k" * 32, ttl_s=30)
    reader = Caller("token:reader", "reader")
    ticket = tickets.issue(reader, "feed", Credential(expires_at=None, token_digest=token_digest("lecteur")))
    assert call("GET", f"/feed?ticket={ticket}").json() == {"role": "reader"}
    assert ticket.count("lecteur") == 0, "the ticket does not carry the token"
    export = tickets.issue(reader, "export", Credential(None, token_digest("lecteur")))
    stale = Tickets(b"k" * 32, ttl_s=-1).issue(reader, "feed", Credential(None, token_digest("lecteur")))
    forged = Tickets(b"x" * 32, ttl_s=30).issue(reader, "feed", Credential(None, token_digest("lecteur")))
    revoked = tickets.issue(reader, "feed", Credential(None, token_digest("a-token-no-longer-configured")))
    for bad in (export, stale, forged, revoked, ticket[:-2], "n'importe quoi"):
        answer = call("GET", "/feed", params={"ticket": bad})
        assert (answer.status_code, answer.json()["code"]) == (401, "INVALID_TICKET"), bad


def test_openapi_names_the_bearer_scheme_roles_and_scope_of_every_guarded_route():
    doc = app().openapi()
    assert undocumented_routes(doc) == ["GET /open"]
    assert undocumented_routes(doc, public=["/open"]) == []
    change = doc["paths"]["/things/{key}"]["post"]
    assert change["security"] == [{"HTTPBearer": []}]
    assert (change["x-tdi-roles"], change["x-tdi-scope"]) == (["national", "regional"], "region")
    assert "403" in change["responses"] and "national, regional" in change["description"]
    assert doc["paths"]["/things"]["get"]["x-tdi-roles"] == [
        "national",
        "regional",
        "region-council",
        "instructor",
        "reader",
    ]
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
