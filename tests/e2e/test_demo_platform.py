"""The whole platform, fed by `make demo` through its real doors, shows the figures of the source documents."""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.request
from pathlib import Path

import pytest

from tdi_localstack.browser import CHROMIUM, Page
from tdi_localstack.demo import run_demo
from tdi_localstack.platform import start_services, stop_services, wait_ready, write_services_file
from tdi_localstack.stack import LocalStack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

TOKEN = "e2e-staff-token"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture
def fresh_stack(platform_stack, monkeypatch):
    """A broker and a database of their own: the session's topics hold other tests' events, which the reporting
    service would count with the demo's."""
    for name in [n for n in os.environ if n == "KAFKA_BOOTSTRAP_SERVERS" or n.endswith("DATABASE_URL")]:
        monkeypatch.delenv(name)
    with LocalStack() as stack:
        for name, value in stack.env().items():
            monkeypatch.setenv(name, value)
        yield stack


def test_the_demo_fed_through_http_and_partner_topics_reproduces_the_published_figures(fresh_stack, tmp_path):
    platform_stack = fresh_stack
    folder = tmp_path / ".tdi"
    folder.mkdir()
    services = start_services(platform_stack, tmp_path / "logs", TOKEN)
    try:
        wait_ready(services, timeout=180)
        write_services_file(services, folder / "services.json")
        platform_stack.write_env_file(folder / "stack.env")
        (folder / "staff-token").write_text(TOKEN, encoding="utf-8")
        url = {s.name: s.url for s in services}

        report = run_demo(folder, say=print)

        national = get(f"{url['actions']}/counts")
        print(f"\n[demo] {report}\n[demo] actions national: {national}")
        assert national["fiches"] == 2150
        by_category = {c["label"]: c["fiches"] for c in national["by_category"]}
        assert by_category["Gestion de l'eau"] == 54 and by_category["Transition énergétique"] == 269
        assert sum(by_category.values()) == 54 + 269 + 224 + 277 + 152 + 97 + 203 + 232 + 148 + 268 + 208 + 123
        marne = get(f"{url['actions']}/counts?departement=51")
        assert marne["fiches"] == 39
        assert {a["axis"]: a["share_percent"] for a in marne["by_axis"]} == {
            "competences": 35, "transition-ecologique": 26, "foncier": 24, "innovation": 15
        }  # fmt: skip
        grand_est = get(f"{url['funding']}/envelopes/fonds-vert-ti-2024-r44")
        print(f"[demo] Fonds vert Grand Est: {grand_est}")
        assert grand_est["ceiling_cents"] == 790_000_000 and 0 < grand_est["committed_cents"] <= 790_000_000
        vte_totals = get(f"{url['vte']}/vte/aids/totals")
        print(f"[demo] VTE totals: {vte_totals}")
        binomes = sum(
            len([b for b in get(f"{url['territory']}/territories/{t['id']}")["binomes"] if not b.get("ended_on")])
            for t in get(f"{url['territory']}/territories?departement=51")["territories"]
        )
        assert binomes == 14
        assert report["VTE : 300 contrats Bpifrance"]["contracts_accepted"] == 300
        await_figures(url["reporting"])
        national_figures = get(f"{url['reporting']}/api/figures")
        marne_figures = get(f"{url['reporting']}/api/figures?departement=51")
        grand_est = get(f"{url['reporting']}/api/figures?region=44")
        print(f"[demo] dashboard national: {summary(national_figures)}")
        print(f"[demo] dashboard Grand Est: {summary(grand_est)}")
        print(f"[demo] dashboard Marne: {summary(marne_figures)}")
        assert national_figures["fiches_actions"] == 2150
        assert national_figures["vte_total"]["contrats_signes"] == 300
        assert national_figures["territoires"]["territoires_labellises"] == 182
        assert national_figures["financements_total"]["demandes_deposees"] == 144
        assert marne_figures["fiches_actions"] == 39
        assert marne_figures["territoires"]["binomes"] == 14
        assert marne_figures["territoires"]["territoires_labellises"] == 5
        # Every synthetic figure is labelled (issue 21): the flag travels from the demo's commands to the events.
        assert national_figures["synthetique"] == {"fiches_actions": 2150, "binomes": 14, "demandes": 144,
                                                   "contrats_vte": 300}  # fmt: skip
        assert marne_figures["synthetique"]["binomes"] == 14
        assert {(r["niveau"], r["libelle_zone"]) for r in marne_figures["actions_par_axe"]} == {
            ("departement", "Marne")
        }
        assert [e["plafond_centimes"] for e in grand_est["enveloppes"]] == [790_000_000]
        # The registers (issue 24): the demo's synthetic sites, écoles and regional posts, and Bourg-en-Bresse.
        registres = national_figures["registres"]
        sites = registres["sites_cles_en_main"]
        assert (sites["proposes"], sites["retenus"], sites["synthetiques"]) == (20, 2, 20)
        assert {r["region"]: r["flag"] for r in sites["par_region"]} == {
            "44": "dans-la-fourchette", "53": "moins-de-5", "84": "plus-de-10"
        }  # fmt: skip
        assert registres["ecoles_de_production"]["registre"] == {"ecoles": 5, "via_programme": 3, "synthetiques": 5}
        assert registres["rebond_industriel"]["territoires"] == [
            {"id": "tdi-84-bassin-de-bourg-en-bresse", "nom": "Bassin de Bourg-en-Bresse"}
        ]
        assert registres["reseau_chefs_de_projet"]["postes_regionaux"] == 3
        assert grand_est["registres"]["sites_cles_en_main"]["proposes"] == 6
        if CHROMIUM is not None:
            asyncio.run(screenshots(url["reporting"]))
    finally:
        stop_services(services)


def await_figures(reporting: str) -> None:
    """The reporting service folds the events as they come: wait until the demo's last ones are counted."""
    for _ in range(300):
        figures = get(f"{reporting}/api/figures")
        registers = figures["registres"]["reseau_chefs_de_projet"]["postes_regionaux"] >= 3
        if figures["fiches_actions"] >= 2150 and figures["vte_total"]["contrats_signes"] >= 300 and registers:
            return
        time.sleep(0.5)


def summary(figures: dict) -> dict:
    return {k: figures[k] for k in ("territoires", "fiches_actions", "financements_total", "vte_total")}


async def screenshots(reporting: str) -> None:
    """The dashboard with the demo loaded, national, Grand Est and Marne, at desktop and phone widths: the page
    never scrolls sideways and no key-figure card's text overflows (issue 21), with the demo's real names and sums."""
    layout = (
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " [...document.querySelectorAll('.cartes > div')].filter((c) => c.scrollWidth > c.clientWidth).length]"
    )
    async with Page(CHROMIUM) as page:
        for name, query in (("national", ""), ("grand-est", "?region=44"), ("marne", "?departement=51")):
            for device, (width, height) in (("bureau", (1400, 900)), ("telephone", (390, 844))):
                await page.viewport(width, height)
                await page.goto(f"{reporting}/tableau-de-bord{query}#access_token={TOKEN}")  # reads need a token
                for _ in range(600):  # until the first figures arrive (the bound turns a hang into a failure)
                    if await page.evaluate("document.querySelectorAll('#chiffres dd').length > 0"):
                        break
                    await asyncio.sleep(0.1)
                shot = await page.screenshot(ARTIFACTS / f"demo-{name}-{device}.png")
                page_width, viewport, overflowing = await page.evaluate(layout)
                print(f"[demo] screenshot {shot} ({page_width} px wide for {viewport}, {overflowing} card overflows)")
                assert page_width <= viewport and overflowing == 0
        assert page.exceptions == []
