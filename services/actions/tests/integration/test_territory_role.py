"""The territory role (issue 24, "A role for the territories"): a territory's chef de projet and binôme propose and
update their own fiches actions, import their plan and read their territory's fiches; another territory's fiches
are out of reach (403 OUT_OF_TERRITORY), checked on the fiche's own territory, never on what the caller quoted."""

from __future__ import annotations

import pytest

from .conftest import TERRITORY_TOKEN

pytestmark = pytest.mark.integration

MINE, OTHER = "tdi-44-grand-reims", "tdi-44-pays-de-chalons"
FICHE = {
    "title": "Plateforme mutualisée d'hydrogène",
    "lead_kind": "organisation",
    "lead": "Communauté urbaine",
    "partners": [],
    "categories": ["transition-energetique"],
    "estimated_cost_cents": 50_000_000,
    "proposed_on": "2024-01-15",
}
REVISION = {**{k: v for k, v in FICHE.items() if k != "proposed_on"}, "revised_on": "2024-02-01"}
CSV_PLAN = (
    "territoire;reference;titre;categories;porteur\n"
    f"{MINE};TR-1;Atelier partagé du Grand Reims;numerique;CU\n"
    f"{OTHER};TR-2;Atelier partagé de Châlons;numerique;CA\n"
).encode()


async def test_a_territory_token_reads_and_writes_its_own_territory_and_gets_403_out_of_territory_on_another(
    actions_service,
):
    async with actions_service() as (_, client):
        theirs = (await client.post("/fiches", json={**FICHE, "territory_id": OTHER})).json()["id"]
        client.headers["Authorization"] = f"Bearer {TERRITORY_TOKEN}"
        created = await client.post("/fiches", json={**FICHE, "territory_id": MINE})
        mine = created.json()["id"]
        revised = await client.post(f"/fiches/{mine}/revision", json={**REVISION, "estimated_cost_cents": 60_000_000})
        moved = await client.post(f"/fiches/{mine}/status", json={"status": "planned", "on": "2024-03-01"})
        read = await client.get(f"/fiches/{mine}")
        listed = await client.get("/fiches", params={"limit": 500})
        counted = await client.get("/counts")
        imported = await client.post("/imports", content=CSV_PLAN, headers={"Content-Type": "text/csv"})
        refused = {
            "create": await client.post("/fiches", json={**FICHE, "territory_id": OTHER, "title": "Intrusion"}),
            "revise": await client.post(f"/fiches/{theirs}/revision", json=REVISION),
            "move": await client.post(f"/fiches/{theirs}/status", json={"status": "planned", "on": "2024-03-01"}),
            "read": await client.get(f"/fiches/{theirs}"),
            "list": await client.get("/fiches", params={"territory_id": OTHER}),
            "counts": await client.get("/counts", params={"territory_id": OTHER}),
        }

    assert created.status_code == 201, created.json()
    assert (revised.status_code, revised.json()["budget_cents"]) == (200, 60_000_000)
    assert (moved.status_code, moved.json()["status"]) == (200, "planned")
    assert (read.status_code, read.json()["territory_id"]) == (200, MINE)
    assert listed.status_code == 200
    assert {f["territory_id"] for f in listed.json()["fiches"]} == {MINE}
    ids = {f["id"] for f in listed.json()["fiches"]}
    assert mine in ids and theirs not in ids
    assert counted.json()["fiches"] == listed.json()["total"]
    assert imported.status_code == 200, imported.json()
    rows = {r["line"]: r for r in imported.json()["rows"]}
    assert rows[2]["outcome"] == "created"
    assert (rows[3]["outcome"], rows[3]["code"]) == ("refused", "OUT_OF_TERRITORY")
    for name, answer in refused.items():
        assert (answer.status_code, answer.json()["code"]) == (403, "OUT_OF_TERRITORY"), name
        assert answer.json()["message"], name
