"""The whole platform, fed by `make demo` through its real doors, shows the figures of the source documents."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tdi_localstack.demo import run_demo
from tdi_localstack.platform import start_services, stop_services, wait_ready, write_services_file

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

TOKEN = "e2e-staff-token"


def get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_the_demo_fed_through_http_and_partner_topics_reproduces_the_published_figures(platform_stack, tmp_path):
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
        assert binomes >= 14
        assert report["VTE : 300 contrats Bpifrance"]["contracts_accepted"] == 300
    finally:
        stop_services(services)
