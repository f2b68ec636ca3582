"""Reporting reads what a view needs (issue 22 #7): the tables of the read model asked for, and the rows of the
territories within the filters (and of an instructor's programme), selected in SQL, not every row of every table
filtered in Python."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tdi_reporting.domain import Level
from tdi_reporting.use_cases import Reporting
from tdi_runtime.pipeline.caller import Caller

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

PLACES = {"44": ("tdi-44-lecture-a", "51"), "76": ("tdi-76-lecture-b", "81")}
NATIONAL = Caller("n", "national")


async def _rows_of_two_regions(conn) -> None:
    for region, (territory, departement) in PLACES.items():
        await conn.execute(
            "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
            " epci_sirens, active_binomes, chefs_de_projet, revision, as_of)"
            " VALUES ($1, NULL, $2, true, $3, $4, '{}', 0, '{}', 1, $5) ON CONFLICT DO NOTHING",
            territory,
            f"Territoire {region}",
            [region],
            [departement],
            datetime.now(UTC),
        )
        for programme in ("fonds-vert-ti", "sites-cles-en-main"):
            await conn.execute(
                "INSERT INTO rm_application (application_id, territory_id, programme, requested_cents, filed_at)"
                " VALUES ($1, $2, $3, 100, now()) ON CONFLICT DO NOTHING",
                f"lecture-{region}-{programme}",
                territory,
                programme,
            )
        await conn.execute(
            "INSERT INTO rm_fiche_action (fiche_action_id, territory_id, categories) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            f"lecture-{region}",
            territory,
            ["numerique"],
        )


async def test_a_read_model_of_one_region_reads_only_that_regions_rows_of_its_own_tables(reporting_service, isolation):
    async with reporting_service() as client:
        pool = client._transport.app.state.runtime.pool  # the service's own pool, schema and migrations
        async with pool.acquire() as conn:
            await _rows_of_two_regions(conn)
        reads = Reporting(pool, isolation["group"])

        _, snapshot = await reads.read("financements", "44", None, None, NATIONAL)
        assert {r["territory_id"] for r in snapshot.applications} == {PLACES["44"][0]}
        assert snapshot.fiches == [] and snapshot.vte == [], "a funding view reads no fiche and no VTE row"
        _, rows = await reads.rows("financements", Level.TERRITORY, "44", None, None, NATIONAL)
        assert {r["code_zone"] for r in rows} == {PLACES["44"][0]}

        instructor = Caller("i", "instructor", programme="fonds-vert-ti")
        _, snapshot = await reads.read("financements", None, None, None, instructor)
        assert {r["programme"] for r in snapshot.applications} == {"fonds-vert-ti"}

        _, snapshot = await reads.read("actions", None, "81", None, NATIONAL)
        assert [r["territory_id"] for r in snapshot.fiches] == [PLACES["76"][0]]
        assert snapshot.applications == []
