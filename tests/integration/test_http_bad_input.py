"""Issue 21: a NUL byte or another control character sent to any service over HTTP gets a 4xx with a code, never a
500 from the database (asyncpg `CharacterNotInRepertoireError`), and reporting no longer answers a bare 404.

The five services run in-process on the real PostgreSQL and Kafka, each on a schema of its own (HTTP only).
"""

from __future__ import annotations

import contextlib
import functools

import httpx
import pytest

from tdi_actions.app import create_app as create_actions
from tdi_funding.app import create_app as create_funding
from tdi_reporting.app import create_app as create_reporting
from tdi_reporting.options import ReportingOptions
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.testing import unique_name
from tdi_territory.app import create_app as create_territory
from tdi_vte.app import create_app as create_vte
from tdi_vte.rules import VteRules

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
STAFF = "bad-input-staff-token"
HEADERS = {"Authorization": f"Bearer {STAFF}"}
SUBSIDY = "year=2024&post_cost_cents=6000000"
FICHE = {
    "territory_id": "tdi-44-grand-reims",
    "title": "Réseau de chaleur fatale",
    "lead": "Communauté urbaine du Grand Reims",
    "categories": ["transition-energetique"],
    "proposed_on": "2024-03-12",
}


@pytest.fixture(scope="module")
async def services(platform_stack):
    factories = {
        "territory": create_territory,
        "actions": create_actions,
        "funding": create_funding,
        "vte": functools.partial(create_vte, rules=VteRules(pseudonym_key="bad-input-key")),
        "reporting": lambda s: create_reporting(s, ReportingOptions(consumer_group=unique_name("tdi-rep-bad"))),
    }
    quiet = {"start_consumers": False, "start_relay": False, "start_retention": False, "log_json": False}
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for name, factory in factories.items():
            settings = ServiceSettings.for_service(
                name,
                db_schema=unique_name(f"bad_{name}"),
                database_url=platform_stack.database_url,
                api_tokens={STAFF: "staff"},
                deployment="local",
                **quiet,
            )
            app = factory(settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a 500 stays a 500
            clients[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test", headers=HEADERS)
            )
        yield clients


ISSUE_21 = [
    ("territory", "GET", "/territories/%00", None),
    ("territory", "POST", "/territories/%00/epci",
     {"siren": "200067213", "name": "Grand Reims", "nature_juridique": "CU", "joined_on": "2024-01-01"}),
    ("actions", "GET", "/fiches?territory_id=%00", None),
    ("actions", "GET", "/counts?territory_id=%00", None),
    ("funding", "GET", f"/territories/%00/chef-de-projet-subsidy?{SUBSIDY}", None),
    ("funding", "GET", "/envelopes/%00", None),
    ("funding", "GET", "/applications?territory_id=%00", None),
    ("vte", "GET", "/vte/aids?territory_id=%00", None),
    ("reporting", "GET", "/api/read-models/%00", None),
    ("reporting", "GET", "/api/figures?territory=%00", None),
    ("territory", "GET", "/territories?q=Reims%1B", None),
    ("funding", "GET", "/envelopes/fonds-vert%C2%85", None),
]  # fmt: skip


@pytest.mark.parametrize(("service", "method", "path", "body"), ISSUE_21)
async def test_a_control_character_in_a_path_or_query_gets_400_invalid_character_from_every_service(
    services, service, method, path, body
):
    answer = await services[service].request(method, path, json=body)
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_CHARACTER"), answer.text
    assert answer.json()["message"].startswith("La requête contient un caractère interdit")


async def test_a_nul_in_a_fiche_description_gets_422_naming_the_field(services):
    answer = await services["actions"].post("/fiches", json={**FICHE, "description": "a\u0000b"})
    assert (answer.status_code, answer.json()["code"]) == (422, "INVALID_CHARACTER"), answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["body.description"]


async def test_another_control_character_in_a_description_is_refused_by_its_field_type(services):
    answer = await services["actions"].post("/fiches", json={**FICHE, "description": "sonnerie \u0007"})
    assert (answer.status_code, answer.json()["code"]) == (422, "INVALID_REQUEST"), answer.text
    assert answer.json()["errors"] == [
        {"field": "body.description", "code": "control_character", "message": "Caractère interdit U+0007 en"
         " position 10."}
    ]  # fmt: skip


async def test_a_description_on_several_lines_is_not_a_field_error(services):
    answer = await services["actions"].post("/fiches", json={**FICHE, "description": "Ligne 1\n\tLigne 2\r\n"})
    assert (answer.status_code, answer.json()["code"]) == (404, "UNKNOWN_TERRITORY"), answer.text  # not a 422


REGION_FILTERS = [
    ("territory", "/territories"),
    ("actions", "/fiches"),
    ("actions", "/counts"),
    ("funding", "/envelopes"),
    ("funding", "/applications"),
    ("vte", "/vte/aids"),
    ("vte", "/vte/aids/totals"),
    ("reporting", "/api/figures"),
    ("reporting", "/api/read-models/territoires"),
]


@pytest.mark.parametrize(("service", "path"), REGION_FILTERS)
async def test_every_region_filter_takes_the_official_name_or_the_insee_code(services, service, path):
    by_name = await services[service].get(path, params={"region": "Grand Est", "departement": "marne"})
    by_code = await services[service].get(path, params={"region": "44", "departement": "51"})
    assert by_name.status_code == 200, by_name.text
    assert by_name.json() == by_code.json()


@pytest.mark.parametrize(("service", "path"), REGION_FILTERS)
async def test_an_unknown_region_is_answered_with_the_regions_named(services, service, path):
    answer = await services[service].get(path, params={"region": "Champagne"})
    assert (answer.status_code, answer.json()["code"]) == (422, "INVALID_REQUEST"), answer.text
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("query.region", "unknown_region")
    assert "44 Grand Est" in error["message"] and "75 Nouvelle-Aquitaine" in error["message"]
