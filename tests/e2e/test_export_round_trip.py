"""An export from reporting imports back into actions (issue 21): one word and one code per thing, both ways.

A territory's action plan goes into the actions service (its import), out through the reporting service (the
events, folded; the `fiches` export with the actions import's columns), and into a second actions service (its
own schema): the second holds the same fiches, statuses and categories included.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tdi_actions.app import create_app as create_actions
from tdi_contracts.envelope import encode_event, envelope_for
from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_contracts.reference import Departement, Region
from tdi_contracts.topics import TERRITORY_REFERENCE
from tdi_reporting.app import create_app as create_reporting
from tdi_reporting.options import ReportingOptions
from tdi_runtime.testing import publish_records, unique_name

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

TOKEN = "round-trip-staff"
AS_STAFF = {"Authorization": f"Bearer {TOKEN}"}
HEADER = "territoire;reference;titre;maturite;type_porteur;porteur;partenaires;categories;budget_eur;emplois_attendus;investissement_eur;statut;date_statut;synthetique"  # noqa: E501
PLAN = [
    "{t};RT-1;Réseau de chaleur fatale;prête;organisation;Communauté urbaine;ADEME|CCI;transition-energetique|gestion-eau;1 200 000,50;25;;programmée;2024-02-01;non",  # noqa: E501
    "{t};RT-2;-20 % d'émissions de CO2;idée;rôle;Président de l'EPCI;;ecologie-industrielle;;;;réalisée;2024-06-03;oui",
    "{t};;Friche Nord;en étude;organisation;EPF Grand Est;;requalification-friches;;;5 000 000;en cours;2024-05-01;non",
    "{t};RT-4;Marque employeur;idée;organisation;CCI;;marque-employeur;;;;abandonnée;2024-04-01;non",
]
COMPARED = ("external_reference", "title", "description", "maturity", "lead_kind", "lead", "partners", "categories",
            "budget_cents", "expected_jobs", "expected_investment_cents", "status", "abandon_reason", "synthetic",
            "proposed_on", "planned_on", "started_on", "done_on", "abandoned_on")  # fmt: skip


async def until(check: Any, what: str, timeout: float = 180.0, each_s: float = 20.0) -> Any:
    """`check()` again and again until it is true; one check that hangs is given up after `each_s` with the stack
    of every task printed (CI of stop 31: one read of reporting in-process never answered, the test hung 600 s)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            found = await asyncio.wait_for(check(), each_s)
        except TimeoutError:
            print(f"\n[round trip] a check hung {each_s:.0f}s ({what}); the tasks:", flush=True)
            for task in asyncio.all_tasks():
                task.print_stack(limit=12, file=sys.stdout)
            found = None
        if found:
            return found
        assert asyncio.get_running_loop().time() < deadline, what
        await asyncio.sleep(0.3)


@pytest.fixture
def territory() -> TerritoryReferenceUpdated:
    suffix = unique_name("")[-10:].strip("_-").lower()
    return TerritoryReferenceUpdated(
        territory_id=f"tdi-44-aller-retour-{suffix}",
        revision=1,
        name=f"Aller-retour {suffix}",
        labelled=True,
        regions=[Region("44")],
        departements=[Departement("51")],
        epci_sirens=[],
        active_binomes=0,
        chefs_de_projet=[],
        as_of=datetime(2023, 11, 9, tzinfo=UTC),
    )


@pytest.fixture
def actions_service(run_service, platform_stack, territory):
    @contextlib.asynccontextmanager
    async def _start(name: str) -> AsyncIterator[Any]:
        factory = functools.partial(create_actions, consumer_group=unique_name(f"tdi-actions-{name}"))
        async with run_service(
            factory, "actions", database_url=platform_stack.database_url, db_schema=unique_name(f"actions_{name}"),
            api_tokens={TOKEN: "staff"},
        ) as (app, client):  # fmt: skip
            client.headers.update(AS_STAFF)

            async def known() -> bool:
                pool = app.state.runtime.pool
                return bool(await pool.fetchval("SELECT count(*) FROM known_territories WHERE territory_id = $1",
                                                territory.territory_id))  # fmt: skip

            await until(known, "the territory never reached the actions service's projection")
            yield client

    return _start


async def _fiches(client: Any, territory_id: str) -> list[dict[str, Any]]:
    answer = await client.get("/fiches", params={"territory_id": territory_id, "limit": 100})
    assert answer.status_code == 200, answer.text
    listed = [{k: f[k] for k in COMPARED} for f in answer.json()["fiches"]]
    return sorted(listed, key=lambda f: (f["external_reference"] or "", f["title"]))


async def test_a_territorys_fiches_exported_by_reporting_import_into_actions_as_the_same_fiches(
    run_service, platform_stack, actions_service, territory
):
    tid = territory.territory_id
    record = encode_event(envelope_for(territory, "territory"), territory)
    await publish_records(platform_stack.bootstrap_servers, TERRITORY_REFERENCE.name, [record])
    plan = "\n".join([HEADER, *(line.format(t=tid) for line in PLAN)]).encode()
    async with actions_service("origine") as origin:
        report = (await origin.post("/imports", content=plan, headers={"Content-Type": "text/csv"})).json()
        assert report["summary"]["created"] == 4, report
        before = await _fiches(origin, tid)

    options = ReportingOptions(consumer_group=unique_name("tdi-reporting-rt"))
    async with run_service(
        functools.partial(create_reporting, options=options), "reporting", database_url=platform_stack.database_url,
        db_schema=unique_name("reporting_rt"), api_tokens={TOKEN: "staff"},
    ) as (_, reporting):  # fmt: skip
        reporting.headers.update(AS_STAFF)

        async def folded() -> bool:
            answer = await reporting.get("/api/read-models/fiches", params={"territory": tid})
            rows = answer.json().get("rows", [])  # 404 UNKNOWN_TERRITORY until the territory is folded
            return {r["statut"] for r in rows} == {"planned", "done", "in-progress", "abandoned"}

        await until(folded, "reporting never folded the territory's fiches")
        exported = await reporting.get("/api/exports/fiches.csv", params={"territory": tid, "sep": ";"})
        assert exported.status_code == 200, exported.text

    async with actions_service("copie") as copy:
        report = (await copy.post("/imports", content=exported.content, headers={"Content-Type": "text/csv"})).json()
        after = await _fiches(copy, tid)

    print(f"\n[round trip] export:\n{exported.content.decode('utf-8-sig')}\n[round trip] import: {report['summary']}")
    assert report["summary"] == {"created": 4, "updated": 0, "unchanged": 0, "refused": 0}, report
    assert after == before
    assert [f["status"] for f in after] == ["in-progress", "planned", "done", "abandoned"]
