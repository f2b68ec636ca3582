"""Fixtures of the funding service's integration tests: a schema of their own on the shared real Postgres,
a territory known to the local projection, and envelopes opened for the test."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from tdi_contracts.events.funding.applications import ApplicationDetails
from tdi_contracts.reference import Instrument, Programme, ValueChain
from tdi_contracts.reference.programmes_catalogue import ProjectType
from tdi_funding.app import create_app
from tdi_funding.commands import FileApplicationRequest
from tdi_funding.handlers import registry
from tdi_funding.repositories import FundingUnitOfWork, funding_unit_of_work
from tdi_funding.settings import FundingRules
from tdi_runtime.db import KIT_MIGRATIONS, migrate
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_runtime.territories import TERRITORY_MIGRATIONS
from tdi_runtime.testing import unique_name

STAFF_TOKEN = "test-staff-token"
READER_TOKEN = "test-reader-token"


def http_only_funding(run_service: Any, platform_stack: Any, name: str, tokens: dict[str, str]) -> Any:
    """`async with http_only_funding(run_service, platform_stack, "env", tokens) as (app, client)`: the funding
    service in-process on a schema of its own, its HTTP routes only (no consumers, relay or retention)."""
    return run_service(
        functools.partial(create_app, group=unique_name(f"tdi-funding{name}")),
        "funding",
        database_url=platform_stack.database_url,
        db_schema=unique_name(f"funding_{name}"),
        api_tokens={STAFF_TOKEN: "staff", **tokens},
        start_consumers=False,
        start_relay=False,
        start_retention=False,
    )


@pytest.fixture
async def funding_pool(platform_stack):
    """A fresh schema with the kit's, the projection's and the funding service's tables."""
    schema = unique_name("funding_t")
    pool = await asyncpg.create_pool(
        platform_stack.database_url, min_size=2, max_size=20, server_settings={"search_path": schema}
    )
    await migrate(pool, schema, [KIT_MIGRATIONS, "tdi_funding", TERRITORY_MIGRATIONS])
    yield pool
    await pool.close()


async def know_territory(conn: Any, territory_id: str, *, epci: int = 2, labelled: bool = True) -> None:
    """The projection's row, as the territory service's reference event would have left it."""
    sirens = ["200067213", "200066793", "200069177", "243500139", "200054781"][:epci]
    await conn.execute(
        "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
        " epci_sirens, active_binomes, chefs_de_projet, revision, as_of)"
        " VALUES ($1, NULL, 'Territoire de test', $2, '{44}', '{51}', $3, 1, '{}', 1, $4)",
        territory_id,
        labelled,
        sirens,
        datetime.now(UTC),
    )


async def open_envelope(conn: Any, envelope_id: str, ceiling_cents: int, programme: str = "fonds-vert-ti") -> None:
    await conn.execute(
        "INSERT INTO envelopes (id, programme, region, year, ceiling_cents, opened_on)"
        " VALUES ($1, $2, '44', 2024, $3, $4)",
        envelope_id,
        programme,
        ceiling_cents,
        date(2024, 1, 2),
    )


def fonds_vert_dossier(territory_id: str, envelope_id: str, requested_cents: int) -> ApplicationDetails:
    return ApplicationDetails(
        territory_id=territory_id,
        programme=Programme.FONDS_VERT_TI,
        envelope_id=envelope_id,
        applicant_siren="732829320",
        establishment_siret=None,
        project_title="Ligne de recyclage de composites",
        requested_cents=requested_cents,
        eligible_cost_cents=requested_cents * 4,
        instrument=Instrument.SUBVENTION,
        value_chain=ValueChain.RECYCLAGE_ECONOMIE_CIRCULAIRE,
        fiche_action_id=None,
        funding_year=2024,
        project_type=ProjectType.INVESTISSEMENT_INDUSTRIEL,
        expected_jobs=12,
        productive_investment_cents=requested_cents * 5,
        supported_by_local_authorities=True,
        linked_to_territory_strategy=True,
    )


STAFF = Caller.of_token("test-staff", "national")
"""National staff: who sends the commands of the tests that run funding's pipeline without HTTP."""


def staff_pipeline(pool: Any) -> Pipeline[FundingUnitOfWork]:
    """Funding's own pipeline (handlers, unit of work) on a pool, without HTTP: `await pipeline.run(command, STAFF)`."""
    return Pipeline(registry, funding_unit_of_work(FundingRules()), pool, Outbox())


def filing(details: ApplicationDetails) -> FileApplicationRequest:
    """The staff's filing command of these details."""
    return FileApplicationRequest.model_validate(details.model_dump())


class _Fold:
    """The smallest unit of work the projection's handlers need: writes at once."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def defer(self, sql: str, *args: Any) -> None:
        await self.conn.execute(sql, *args)


async def know_post(
    conn: Any, post_id: Any, territory_id: str, annual_cost_cents: int, shared_with: tuple[str, ...] = ()
) -> None:
    """A chef de projet post, folded into funding's projection by its own handlers as the territory's events would."""
    from tdi_contracts.events.territory import ChefDeProjetAppointed, ChefDeProjetShared
    from tdi_funding import posts

    appointed = ChefDeProjetAppointed.model_validate(
        {"territory_id": territory_id, "chef_de_projet_id": str(post_id), "employer_siren": "200067213",
         "employer_authority": "epci", "annual_cost_cents": annual_cost_cents, "appointed_on": "2024-01-02"},
        strict=False,
    )  # fmt: skip
    await posts.on_appointed(appointed, _Fold(conn))  # type: ignore[arg-type]
    if shared_with:
        shared = ChefDeProjetShared.model_validate(
            {"territory_id": territory_id, "chef_de_projet_id": str(post_id), "shared_with": list(shared_with),
             "shared_on": "2024-01-02"},
            strict=False,
        )  # fmt: skip
        await posts.on_shared(shared, _Fold(conn))  # type: ignore[arg-type]


def chef_de_projet_dossier(
    territory_id: str, envelope_id: str, post_id: Any, requested_cents: int, year: int = 2024, cost: int = 0
) -> ApplicationDetails:
    return ApplicationDetails.model_validate(
        {"territory_id": territory_id, "programme": "chef-de-projet", "envelope_id": envelope_id,
         "applicant_siren": "732829320", "project_title": "Poste de chef de projet", "requested_cents": requested_cents,
         "eligible_cost_cents": cost or requested_cents * 2, "instrument": "subvention",
         "project_type": "poste-chef-de-projet", "funding_year": year, "chef_de_projet_id": str(post_id)},
        strict=False,
    )  # fmt: skip
