"""The steering committee's report for Grand Est (issue 26), against the real stack: the command writes a French
PDF (parsed back: pages, accents, the synthetic notice on every page; its first pages turned into PNG by
`pdftoppm`) and its XLSX companion, whose every figure equals the API's and whose lineage references answer
`GET /api/lineage/{reference}`; the dashboard's route answers the same
documents and refuses a bad zone with a code and a French sentence."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import scenario
from pypdf import PdfReader

from tdi_reporting.report.french import PARIS, day
from tdi_reporting.report.workbook import COLUMNS

from .conftest import REGIONAL_TOKEN, eventually, run_cli

sys.path.insert(0, str(Path(__file__).parents[1]))
from figure_keys import figure_at

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


async def _folded(client) -> bool:
    f = (await client.get("/api/figures")).json()
    folded = f["synthetique"]["contrats_vte"] >= 2 and f["vte_total"]["aides_refusees"] >= 1
    return folded and f["fiches_actions"] > len(scenario.FICHES) and f["financements_total"]["engage_centimes"] > 0


async def test_the_grand_est_report_is_a_french_pdf_its_first_pages_png_and_its_xlsx_equals_the_api(
    platform_stack, settings, options, reporting_service, publish
):
    async with reporting_service() as client:
        await publish([*scenario.programme(), *scenario.later_events(), *scenario.synthetic_events()])
        await eventually(lambda: _folded(client))
        out = ARTIFACTS / "rapport"
        shutil.rmtree(out, ignore_errors=True)
        today = datetime.now(PARIS).date()  # as of today's end: what the platform knows now, with or without history
        arguments = ("report", "--zone", "region:44", "--as-of", today.isoformat(), "--out", str(out))
        code, said, error = await run_cli(platform_stack, settings, options, *arguments)
        api = (await client.get("/api/figures?region=44")).json()
    print(f"\n{said}")
    assert code == 0, (said, error)
    (pdf_path,) = out.glob("*.pdf")
    (xlsx_path,) = out.glob("*.xlsx")
    assert pdf_path.name.startswith("rapport-comite-de-pilotage-region-44-")

    pdf = PdfReader(pdf_path)
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) >= 3
    assert all("DONNÉES SYNTHÉTIQUES" in text for text in pages), "the synthetic notice is on every page"
    whole = "\n".join(pages)
    for words in (
        "Comité de pilotage — Grand Est",
        day(today),
        "Chiffres clés",
        "Carte des territoires",
        "4 axes, 12 catégories",
        "Écologie industrielle et territoriale",
        "Enveloppes : plafond, engagé, versé, disponible",
        "Volontariat territorial en entreprise",
        "Grand Reims",
        "Marne (51)",
        "Référence de lignée",
        "7 900 000,00",
    ):
        assert words in whole.replace("\u202f", " "), words
    assert str(pdf.trailer["/Root"]["/Lang"]).startswith("fr")

    book = openpyxl.load_workbook(xlsx_path)
    compared, references = 0, []
    for sheet in book.worksheets[1:]:
        rows = list(sheet.iter_rows(values_only=True))
        assert "DONNÉES SYNTHÉTIQUES" in rows[0][0]
        for row in rows[2:]:
            record = dict(zip(COLUMNS, row, strict=False))
            assert record["valeur"] == figure_at(api, record["cle_api"]), record
            assert record["situation_au"] and record["requete_lignee"]
            if api.get("situation") is None:  # a service without the history: no state to name, no reference
                assert record["reference_lignee"] == "non publié"
            else:
                assert record["reference_lignee"].startswith("L-")
                references.append(record["reference_lignee"])
            compared += 1
    print(f"XLSX: {compared} figures equal to GET /api/figures?region=44")
    assert compared > 80
    async with reporting_service() as client:  # a printed reference answers its lineage later
        for reference in references[:3]:
            answer = await client.get(f"/api/lineage/{reference}")
            assert answer.status_code == 200 and answer.json()["reference"] == reference, answer.text[:300]

    if shutil.which("pdftoppm") is None:
        pytest.skip("no pdftoppm (Debian poppler-utils: make browser installs it)")
    command = [
        "pdftoppm",
        "-png",
        "-r",
        "70",
        "-f",
        "1",
        "-l",
        "3",
        str(pdf_path),
        str(ARTIFACTS / "rapport-grand-est"),
    ]
    await asyncio.to_thread(subprocess.run, command, check=True)
    pngs = sorted(ARTIFACTS.glob("rapport-grand-est-*.png"))
    print("pages as PNG: " + " ".join(str(p) for p in pngs))
    assert len(pngs) == 3 and all(p.stat().st_size > 10_000 for p in pngs)


async def test_the_report_route_answers_the_pdf_and_its_xlsx_and_refuses_a_bad_zone_in_french(
    reporting_service, publish
):
    async with reporting_service() as client:
        await publish(scenario.programme())
        await eventually(lambda: _any_territory(client))
        pdf = await client.get("/api/reports/region:44.pdf", params={"as_of": "2024-03-15"})
        xlsx = await client.get("/api/reports/national.xlsx")
        ticket = (await client.post("/api/tickets?purpose=export")).json()["ticket"]
        by_ticket = await client.get("/api/reports/departement:51.pdf", params={"ticket": ticket}, headers={})
        bad_zone = await client.get("/api/reports/monde.pdf")
        bad_date = await client.get("/api/reports/national.pdf", params={"as_of": "15/03/2024"})
        unknown = await client.get("/api/reports/territory:tdi-00-nulle-part.pdf")
        other_region = await client.get(
            "/api/reports/region:75.pdf", headers={"Authorization": f"Bearer {REGIONAL_TOKEN}"}
        )
        anonymous = await client.get("/api/reports/national.pdf", headers={"Authorization": ""})

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "rapport-comite-de-pilotage-region-44-" in pdf.headers["content-disposition"]
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) >= 3
    assert xlsx.status_code == 200 and openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Lisez-moi"
    assert by_ticket.status_code == 200 and by_ticket.content.startswith(b"%PDF-")
    assert bad_zone.status_code == 422 and bad_zone.json()["code"] == "INVALID_REQUEST"
    assert "national, region:" in bad_zone.json()["message"]
    assert bad_date.status_code == 422 and "AAAA-MM-JJ" in bad_date.json()["message"]
    assert unknown.status_code == 404 and unknown.json()["code"] == "UNKNOWN_TERRITORY"
    assert other_region.status_code == 403 and other_region.json()["code"] == "OUT_OF_REGION"
    assert anonymous.status_code == 401


async def _any_territory(client) -> bool:
    return (await client.get("/api/figures")).json()["territoires"]["territoires_labellises"] > 0
