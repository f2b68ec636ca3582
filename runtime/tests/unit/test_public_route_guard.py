"""A public route (the open data, issue 25): anyone reads it without a token, OpenAPI says so (roles `public`,
scope `public`, no bearer security), and a token put in its address is still refused."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from tdi_runtime.http import install_error_handlers
from tdi_runtime.http_access import documented, public, undocumented_routes


def app() -> FastAPI:
    router = APIRouter()

    @router.get("/donnees", dependencies=[Depends(public())])
    async def open_data() -> dict[str, str]:
        """Open data."""
        return {"ok": "oui"}

    @router.get("/forgotten")
    async def forgotten() -> dict[str, str]:
        return {}

    api = FastAPI()
    install_error_handlers(api)
    api.include_router(documented(router))
    return api


def test_a_public_route_answers_without_a_token_and_openapi_declares_it_public_without_bearer_security():
    client = TestClient(app())
    assert client.get("/donnees").json() == {"ok": "oui"}
    doc = app().openapi()
    operation = doc["paths"]["/donnees"]["get"]
    assert (operation["x-tdi-roles"], operation["x-tdi-scope"]) == (["public"], "public")
    assert "security" not in operation and "401" not in operation["responses"]
    assert "without a token" in operation["description"]
    assert undocumented_routes(doc) == ["GET /forgotten"], "a declared public route is documented; a bare one is not"


def test_a_token_in_the_address_of_a_public_route_is_refused_as_everywhere():
    answer = TestClient(app()).get("/donnees", params={"access_token": "abc"})
    assert (answer.status_code, answer.json()["code"]) == (400, "ACCESS_TOKEN_IN_URL")
