"""The territory role (issue 24, « A role for the territories »): held by a territory's chef de projet and its
binôme, scoped to one territory. Seed 000 line 104: « La gouvernance locale de chaque projet industriel, assurée par
un binôme élu et industriel »; the territories own their action plans.

A territory token reads and writes only on the routes that name the role (`reads(territories=True)`,
`commands(territories=True)`), and there only its own territory (`OUT_OF_TERRITORY`, lists narrowed)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from tdi_runtime.auth import authenticate
from tdi_runtime.errors import DomainError
from tdi_runtime.http import install_error_handlers
from tdi_runtime.http_access import commands, documented, reads
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.settings import ServiceSettings

TOKENS = {"reims": "territory:tdi-44-grand-reims", "anct": "staff", "ge": "regional:44"}
REIMS = Caller.of_token("cdp-reims", "territory", territory="tdi-44-grand-reims")
PLANS = {"tdi-44-grand-reims": "44", "tdi-44-ardennes": "44", "tdi-76-figeac": "76"}


def test_a_territory_caller_reaches_its_own_territory_only_and_others_are_refused_in_french():
    REIMS.require_territory("tdi-44-grand-reims")
    REIMS.require_territory(["ti-8413", "tdi-44-grand-reims"])  # either of its ids
    with pytest.raises(DomainError) as refused:
        REIMS.require_territory("tdi-44-ardennes")
    assert refused.value.code == "OUT_OF_TERRITORY" and refused.value.http_status == 403
    assert "territoire" in refused.value.message
    Caller("anct", "national").require_territory("tdi-44-ardennes")  # other roles: no territory bound


def test_a_territory_list_is_narrowed_to_its_territory_and_asking_for_another_is_refused():
    assert REIMS.territory_filter(None) == "tdi-44-grand-reims"
    assert REIMS.territory_filter("tdi-44-grand-reims") == "tdi-44-grand-reims"
    with pytest.raises(DomainError):
        REIMS.territory_filter("tdi-76-figeac")
    assert Caller("anct", "national").territory_filter("tdi-76-figeac") == "tdi-76-figeac"


async def test_a_static_territory_token_carries_its_territory():
    settings = ServiceSettings.for_service("actions", api_tokens=TOKENS)
    caller = await authenticate("reims", settings)
    assert (caller.role, caller.territory, caller.region) == ("territory", "tdi-44-grand-reims", None)


def app() -> FastAPI:
    router = APIRouter()

    @router.get("/plans")
    async def plans(access: Annotated[Caller, Depends(reads(territories=True))], territory: str | None = None):
        wanted = access.territory_filter(territory)
        return [t for t in PLANS if wanted in (None, t)]

    @router.post("/plans/{territory}")
    async def change(territory: str, access: Annotated[Caller, Depends(commands(territories=True))]):
        access.require_region(PLANS[territory])
        access.require_territory(territory)
        return {"changed": territory}

    @router.get("/others")
    async def others(access: Annotated[Caller, Depends(reads())]) -> list[str]:
        return list(PLANS)

    @router.post("/others")
    async def other_command(access: Annotated[Caller, Depends(commands())]) -> dict[str, str]:
        return {}

    api = FastAPI()
    api.state.runtime = SimpleNamespace(settings=ServiceSettings.for_service("actions", api_tokens=TOKENS))
    install_error_handlers(api)
    api.include_router(documented(router))
    return api


def call(client: TestClient, method: str, path: str, token: str) -> Any:
    return client.request(method, path, headers={"Authorization": f"Bearer {token}"}).json()


def test_a_territory_token_acts_on_its_own_territory_on_the_routes_naming_it_and_nowhere_else():
    client = TestClient(app())
    assert call(client, "GET", "/plans", "reims") == ["tdi-44-grand-reims"]
    assert call(client, "GET", "/plans?territory=tdi-76-figeac", "reims")["code"] == "OUT_OF_TERRITORY"
    assert call(client, "POST", "/plans/tdi-44-grand-reims", "reims") == {"changed": "tdi-44-grand-reims"}
    assert call(client, "POST", "/plans/tdi-44-ardennes", "reims")["code"] == "OUT_OF_TERRITORY"
    assert call(client, "GET", "/others", "reims")["code"] == "FORBIDDEN"
    assert call(client, "POST", "/others", "reims")["code"] == "FORBIDDEN"
    assert call(client, "GET", "/others", "ge") == list(PLANS)  # the other roles read as before


def test_openapi_names_the_territory_role_exactly_where_it_is_admitted():
    paths = app().openapi()["paths"]
    assert "territory" in paths["/plans"]["get"]["x-tdi-roles"]
    assert "territory" in paths["/plans/{territory}"]["post"]["x-tdi-roles"]
    assert "territory" not in paths["/others"]["get"]["x-tdi-roles"]
    assert "territory" not in paths["/others"]["post"]["x-tdi-roles"]


def test_a_territory_caller_sees_its_post_cost_and_vte_aid_amounts_but_not_undecided_amounts_nor_binome_companies():
    """Platform rule (issue 24): what the territory caller reads is narrowed to its own territory, so it sees the cost
    of its chef de projet post and the VTE aid of its own companies; a dossier's amounts before the decision stay the
    State's and the programme's, and a binôme's company is the national and regional staff's only."""
    seen = {family: REIMS.may_see(family) for family in ("post_cost", "vte_aid_amount", "undecided_amount")}
    seen["binome_company"] = REIMS.may_see("binome_company")
    assert seen == {"post_cost": True, "vte_aid_amount": True, "undecided_amount": False, "binome_company": False}
