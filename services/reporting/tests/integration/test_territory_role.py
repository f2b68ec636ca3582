"""The territory role on reporting (issue 24, "A role for the territories": « voir les chiffres de leur territoire »):
a territory's chef de projet reads its own territory's figures, read models and exports, never another territory's
(403 OUT_OF_TERRITORY), and never an undecided dossier's amount (`SENSITIVE`, platform rule). The token names the
territory by its official id; the figures are narrowed on the territory the service resolves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .conftest import TERRITORY_TOKEN

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

MINE, OFFICIAL, OTHER = "tdi-44-role-mien", "ti-990001", "tdi-44-role-autre"
AS_TERRITORY = {"Authorization": f"Bearer {TERRITORY_TOKEN}"}


async def _two_territories_of_the_marne(conn) -> None:
    for territory, official in ((MINE, OFFICIAL), (OTHER, None)):
        await conn.execute(
            "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
            " epci_sirens, active_binomes, chefs_de_projet, revision, as_of)"
            " VALUES ($1, $2, $3, true, '{44}', '{51}', '{}', 0, '{}', 1, $4) ON CONFLICT DO NOTHING",
            territory,
            official,
            f"Territoire {territory}",
            datetime.now(UTC),
        )
        await conn.execute(
            "INSERT INTO rm_application (application_id, territory_id, programme, requested_cents, filed_at)"
            " VALUES ($1, $2, 'fonds-vert-ti', 100000, now()) ON CONFLICT DO NOTHING",
            f"role-{territory}",
            territory,
        )
        await conn.execute(
            "INSERT INTO rm_fiche_action (fiche_action_id, territory_id, categories) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            f"role-{territory}",
            territory,
            ["numerique"],
        )


async def test_a_territory_token_reads_its_own_territory_and_gets_403_out_of_territory_on_another(reporting_service):
    async with reporting_service() as client:
        async with client._transport.app.state.runtime.pool.acquire() as conn:
            await _two_territories_of_the_marne(conn)
        staff = (await client.get("/api/figures", params={"departement": "51"})).json()
        client.headers.update(AS_TERRITORY)
        figures = await client.get("/api/figures")
        in_region = await client.get("/api/figures", params={"region": "44"})
        fiches = await client.get("/api/read-models/fiches")
        funding = await client.get("/api/read-models/financements", params={"level": "territory"})
        export = await client.get("/api/exports/fiches.csv")
        refused = {
            "figures": await client.get("/api/figures", params={"territory": OTHER}),
            "read model": await client.get("/api/read-models/fiches", params={"territory": OTHER}),
            "export": await client.get("/api/exports/financements.csv", params={"territory": OTHER}),
        }
        not_admitted = await client.get(  # the lineage names events, not only figures: not opened to it
            "/api/lineage", params={"read_model": "financements", "measure": "engage_centimes"}
        )

    assert staff["fiches_actions"] == 2, "staff see both territories of the Marne"
    assert figures.status_code == 200, figures.text
    shown = figures.json()
    assert (shown["filtres"]["territoire"], shown["fiches_actions"]) == (MINE, 1)
    assert shown["carte"]["departements"]["51"]["fiches_actions"] == 1, "the map counts its own territory only"
    assert in_region.json()["fiches_actions"] == 1
    assert {r["territoire"] for r in fiches.json()["rows"]} == {MINE}
    assert [r["code_zone"] for r in funding.json()["rows"]] == [MINE]
    assert funding.json()["rows"][0]["montant_demande_centimes"] is None, "an undecided amount is not the territory's"
    assert export.status_code == 200 and MINE in export.text and OTHER not in export.text
    for name, answer in refused.items():
        assert (answer.status_code, answer.json()["code"]) == (403, "OUT_OF_TERRITORY"), (name, answer.text)
    assert (not_admitted.status_code, not_admitted.json()["code"]) == (403, "FORBIDDEN")
