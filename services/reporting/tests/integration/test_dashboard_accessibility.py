"""The dashboard meets the RGAA's main criteria (issue 26), in Debian's Chromium against the real stack: axe-core
(vendored from npm, tests only) finds no WCAG 2.1 A/AA violation nationally, in a region and in a territory, on a
desktop and on a phone; the keyboard reaches every filter, the date control, each « d'où vient ce chiffre ? » link
and the report button, in that order, with a visible focus; no information is given by colour alone; outside a
State site no Marianne file is asked for. The controls of routes the insight backend is adding light up when
`/api/reference` says they exist (here its `capacites` are turned on in the browser, the rest is the real service)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import scenario

from tdi_localstack.browser import CHROMIUM, Page

from .conftest import AS_STAFF, STAFF_TOKEN, eventually

AXE = Path(__file__).parents[1] / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(300),
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (Debian: apt-get install -y chromium)"),
]
RUN_AXE = """(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                     resultTypes: ['violations']});
  return {version: r.testEngine.version, passes: r.passes.length,
          violations: r.violations.map((v) => [v.id, v.impact, v.nodes.slice(0, 5).map((n) => n.target.join(' '))])};
})()"""
DRAWN = (
    "document.querySelectorAll('#chiffres dd').length > 0 && document.querySelectorAll('#vte-chiffres dd').length > 0"
)
FOCUSED = """(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {id: e.id || null, lignee: e.classList.contains('lien-lignee'), code: (e.dataset || {}).code || null,
          tag: e.tagName.toLowerCase(), label: e.getAttribute('aria-label') || e.textContent.trim().slice(0, 60),
          outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
          visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0};
})()"""


async def _folded(client: httpx.AsyncClient) -> bool:
    f = (await client.get("/api/figures")).json()
    return f["vte_total"]["contrats_signes"] >= 4 and f["fiches_actions"] > len(scenario.FICHES)


def _lit(reference: dict[str, Any]) -> dict[str, Any]:
    """`/api/reference` as a service with figures as of a date and the lineage answers it."""
    return {**reference, "capacites": {**reference["capacites"], "situation_au": True, "lignee": True}}


async def test_axe_finds_no_wcag_violation_nationally_in_a_region_and_in_a_territory_on_desktop_and_phone(
    served, publish
):
    assert CHROMIUM is not None
    found: dict[str, Any] = {}
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish([*scenario.programme(), *scenario.later_events(), *scenario.synthetic_events()])
        await eventually(lambda: _folded(client))
        for lit in (False, True):
            for zone, query in (
                ("national", ""),
                ("grand-est", "?region=44"),
                ("territoire", f"?territory={scenario.REIMS}"),
            ):
                for device, width, height in (("bureau", 1400, 900), ("telephone", 390, 844)):
                    async with Page(CHROMIUM) as page:
                        if lit:
                            await page.rewrite_json("**/api/reference", _lit)
                        await page.viewport(width, height, mobile=device == "telephone")
                        await page.goto(f"{base}/tableau-de-bord{query}#access_token={STAFF_TOKEN}")
                        await page.wait_for(DRAWN)
                        await page.add_script(AXE)
                        result = await page.evaluate(RUN_AXE)
                        key = f"{zone}-{device}{'-avec-lignee' if lit else ''}"
                        found[key] = result["violations"]
                        if not lit:
                            await page.screenshot(ARTIFACTS / f"accessibilite-{key}.png")
                        assert page.exceptions == []
    print(f"\naxe-core {result['version']}, WCAG 2.1 A/AA: {found}")
    assert all(v == [] for v in found.values()), found


async def test_the_keyboard_reaches_filters_date_lineage_links_and_report_button_in_order_with_a_visible_focus(
    served, publish
):
    assert CHROMIUM is not None
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish([*scenario.programme(), *scenario.later_events()])
        await eventually(lambda: _folded(client))
        async with Page(CHROMIUM) as page:
            await page.rewrite_json("**/api/reference", _lit)
            await page.viewport(1400, 900)
            await page.goto(f"{base}/tableau-de-bord?region=44#access_token={STAFF_TOKEN}")
            await page.wait_for(DRAWN + " && document.querySelectorAll('.lien-lignee').length > 0")
            links = await page.evaluate("document.querySelectorAll('a.lien-lignee').length")
            reached = []
            for _ in range(400):
                await page.press("Tab")
                now = await page.evaluate(FOCUSED)
                if now is None or (reached and now == reached[0]):
                    break
                reached.append(now)
            date_field = await page.evaluate("getComputedStyle(document.querySelector('#f-situation')).display")

            # « d'où vient ce chiffre ? » opens a dialog: the figure's events when the lineage route exists, else a
            # French sentence saying they could not be read
            lineage = (await client.get("/api/reference")).json()["capacites"]["lignee"]
            await page.evaluate("document.querySelector('a.lien-lignee').focus()")
            await page.press("Enter")
            said = "'référence L-'" if lineage else "'pas pu'"
            dialog = await page.wait_for("document.querySelector('#lignee').open && document.querySelector("
                                         f"'#lignee-resume').textContent.includes({said})")  # fmt: skip
            await page.press("Escape")
            closed = await page.evaluate("!document.querySelector('#lignee').open")

            # « Situation au » typed on the keyboard: kept in the address, asked of the figures and of the report
            await page.evaluate("document.querySelector('#f-situation').focus()")
            for key in "15032024":
                await page.press(key)
            address = await page.wait_for("location.search.includes('situation_au') && location.search")
            await page.wait_for("document.querySelector('#etat').textContent.includes('Situation au')")
            await page.evaluate("document.querySelector('#rapport-pdf').focus()")
            await page.press("Enter")
            await eventually(lambda: _asked(page, "/api/reports/"))
            assert page.exceptions == []

    wanted = [r for r in reached if r["lignee"] or r["id"] in {"f-region", "f-departement", "f-territoire",
                                                                "f-situation", "rapport-pdf"}]  # fmt: skip
    order: list[str] = []
    for r in wanted:  # the date field's day, month and year are three stops of one control
        if r["lignee"] or not order or order[-1] != r["id"]:
            order.append(r["id"] or "lignee")
    print(f"\n{len(reached)} stops by Tab; in order: {order}")
    assert date_field != "none"
    assert dialog and closed
    assert "situation_au=2024-03-15" in address and "region=44" in address
    figures_asked = [u for u in page.requests if "/api/figures?" in u]
    assert figures_asked and "as_of=2024-03-15" in figures_asked[-1]
    (report,) = [u for u in page.requests if "/api/reports/" in u]
    assert "/api/reports/region:44.pdf?as_of=2024-03-15&ticket=" in report
    assert order == ["f-region", "f-departement", "f-territoire", "f-situation", *["lignee"] * links, "rapport-pdf"]
    assert links >= 9
    not_visible = [r for r in reached if not r["visible"]]
    assert not_visible == [], [(r, [x["outline"] for x in reached if x["id"] == "f-situation"]) for r in not_visible]


async def test_no_information_by_colour_alone_no_marianne_file_and_each_chart_has_its_table(served, publish):
    assert CHROMIUM is not None
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish([*scenario.programme(), *scenario.later_events()])
        await eventually(lambda: _folded(client))
        async with Page(CHROMIUM) as page:
            await page.viewport(1400, 900)
            await page.goto(f"{base}/tableau-de-bord#access_token={STAFF_TOKEN}")
            await page.wait_for(DRAWN + " && document.querySelector('#axes-graphique svg')")
            seen = await page.evaluate(COLOUR_ALONE)
            lang = await page.evaluate("document.documentElement.lang")
            asked = list(page.requests)
            errors = list(page.console_errors)
            assert page.exceptions == []

    print(f"\n{seen}")
    assert lang == "fr"
    assert not [u for u in asked if "/fonts/" in u or "Marianne" in u or "Spectral" in u], "a Marianne file was asked"
    assert errors == [], errors  # no 404 (a font, an icon) and no policy refusal
    assert seen["axes_motifs"] == 4, "each axis has its own pattern"
    assert seen["barres_sans_valeur"] == 0 and seen["barres"] >= 12
    assert seen["legende_motifs"] == 4 and all("motif" in t for t in seen["legende_textes"])
    assert seen["legende_carte"] and all(t.strip() for t in seen["legende_carte"])
    assert seen["graphiques_sans_tableau"] == []


async def _asked(page: Page, part: str) -> bool:
    return any(part in u for u in page.requests)


COLOUR_ALONE = """(() => {
  const bars = [...document.querySelectorAll('.barres svg g')];
  const rects = document.querySelectorAll('#axes-graphique svg g rect');
  const fills = new Set([...rects].map((r) => r.getAttribute('fill')));
  return {
    barres: bars.length,
    barres_sans_valeur: bars.filter((g) => {
      const t = g.querySelectorAll('text');
      return t.length < 2 || !t[1].textContent.trim();
    }).length,
    axes_motifs: [...fills].filter((f) => f.startsWith('url(#')).length,
    legende_motifs: document.querySelectorAll('#axes-graphique .motifs .cle').length,
    legende_textes: [...document.querySelectorAll('#axes-graphique .motifs .cle')].map((c) => c.textContent),
    legende_carte: [...document.querySelectorAll('#legende .cle')].map((c) => c.textContent),
    graphiques_sans_tableau: ['axes', 'enveloppes', 'vte', 'carte']
      .filter((k) => !document.querySelector(`#${k}-tableau table`)),
  };
})()"""
