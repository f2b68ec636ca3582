"""The dashboard in a real headless Chromium against the real stack: it loads, a published event changes a
figure without a reload, and screenshots at desktop and phone widths are kept as test artifacts."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
import scenario

from tdi_contracts.events.funding import GrantCommitted
from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_contracts.events.vte import VteContractSigned
from tdi_localstack.browser import CHROMIUM, Page

from .conftest import AS_STAFF, FONDS_VERT_TOKEN, READER_TOKEN, STAFF_TOKEN, eventually

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(240),
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (Debian: apt-get install -y chromium)"),
]
VTE_SIGNED = "document.querySelector('#vte-chiffres dd')?.textContent ?? ''"


async def _folded(client) -> bool:
    f = (await client.get("/api/figures")).json()
    return f["vte_total"]["contrats_signes"] >= 4 and f["fiches_actions"] > len(scenario.FICHES)


async def test_the_dashboard_shows_a_published_event_without_a_reload(served, publish):
    assert CHROMIUM is not None
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish(scenario.programme() + scenario.later_events())
        await eventually(lambda: _folded(client))
        async with Page(CHROMIUM) as page:
            await page.viewport(1280, 900)
            await page.goto(f"{base}/tableau-de-bord?region=44#access_token={STAFF_TOKEN}")
            before = await eventually(lambda: _text(page, VTE_SIGNED))
            assert await page.evaluate("document.querySelector('#perimetre').textContent") == "— Grand Est"
            assert await page.evaluate("document.querySelectorAll('#carte path').length") >= 96
            assert await page.evaluate("document.querySelectorAll('#carte rect[data-code]').length") == 5  # DROM
            await page.evaluate("window.sansRechargement = true")

            signed = VteContractSigned.model_validate_json(
                json.dumps({**json.loads(_signed().model_dump_json()), "vte_contract_id": _new_id()})
            )
            published_at = time.monotonic()
            await publish([signed])
            after = await eventually(lambda: _changed(page, VTE_SIGNED, before), timeout=30)
            print(f"\nthe page showed the event {time.monotonic() - published_at:.2f} s after it was published")
            assert int(after) == int(before) + 1
            assert await page.evaluate("window.sansRechargement === true")  # the page was never reloaded
            assert page.exceptions == []

            desktop = await page.screenshot(ARTIFACTS / "tableau-de-bord-bureau.png")
            await page.viewport(390, 844, mobile=True)
            await eventually(lambda: _text(page, VTE_SIGNED))
            phone = await page.screenshot(ARTIFACTS / "tableau-de-bord-telephone.png")
            print(f"\nscreenshots: {desktop} {phone}")
            assert desktop.stat().st_size > 10_000 and phone.stat().st_size > 10_000


def _signed() -> VteContractSigned:
    return next(e for e in scenario.vte() if isinstance(e, VteContractSigned))


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


async def _text(page: Page, expression: str) -> str:
    return str(await page.evaluate(expression) or "")


async def _changed(page: Page, expression: str, before: str) -> str | None:
    now = await _text(page, expression)
    return now if now and now != before else None


LONGEST_NAME = "Pays de Bernay, de Conches, du Neubourg et du Sud de l'Eure"  # the longest name of the annex
LAYOUT = """(() => {
  const fenetre = document.documentElement.clientWidth;
  const dehors = (e) => e.getBoundingClientRect().right > fenetre + 0.5;
  const memeLigne = (pastille) => {
    const texte = pastille.nextSibling;
    if (!texte || texte.nodeType !== Node.TEXT_NODE || !texte.textContent.trim()) return false;
    const debut = document.createRange();
    debut.setStart(texte, 0); debut.setEnd(texte, 1);
    const a = pastille.getBoundingClientRect(), b = debut.getBoundingClientRect();
    return b.bottom > a.top && b.top < a.bottom;
  };
  return {
    largeur: document.documentElement.scrollWidth,
    fenetre,
    cartes_qui_debordent: [...document.querySelectorAll(".cartes > div")]
      .filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent),
    champs_hors_ecran: [...document.querySelectorAll("select, button")].filter(dehors).map((e) => e.id),
    pastilles: document.querySelectorAll("#legende span[style*='background']").length,
    pastilles_loin_du_libelle: [...document.querySelectorAll("#legende span[style*='background']")]
      .filter((p) => !memeLigne(p)).map((p) => p.nextSibling && p.nextSibling.textContent),
  };
})()"""
ENGAGED = (
    "[...document.querySelectorAll('#chiffres div')].find((d) => d.textContent.includes('engagés'))?.textContent ?? ''"
)


def _longest_territory() -> TerritoryReferenceUpdated:
    platform_id = "tdi-28-pays-de-bernay-de-conches-du-neubourg-et-du-sud-de-l-eure"
    changes = {"name": LONGEST_NAME, "regions": ["28"], "departements": ["27"], "official_id": None}
    return _wire_like(scenario.territories()[0], territory_id=platform_id, **changes)


def _big_grant() -> GrantCommitted:
    grant = next(e for e in scenario.funding() if isinstance(e, GrantCommitted))
    return _wire_like(grant, grant_id=_new_id(), amount_cents=4_512_345_600)  # 45 M€: a national total's width


@pytest.mark.parametrize(("device", "width", "height"), [("telephone", 390, 844), ("bureau", 1400, 900)])
async def test_at_phone_and_desktop_widths_nothing_scrolls_sideways_and_no_card_text_overflows(
    served, publish, device, width, height
):
    assert CHROMIUM is not None
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish([*scenario.programme(), _longest_territory(), _big_grant()])
        await eventually(lambda: _folded_with_the_big_grant(client))
        async with Page(CHROMIUM) as page:
            await page.viewport(width, height, mobile=device == "telephone")
            await page.goto(f"{base}/tableau-de-bord?indicateur=engage_centimes#access_token={STAFF_TOKEN}")
            await eventually(lambda: _text(page, ENGAGED))
            layout = await page.evaluate(LAYOUT)
            shot = await page.screenshot(ARTIFACTS / f"tableau-de-bord-{device}-{width}.png")
            print(f"\n{device} {width} px: {layout}\nscreenshot: {shot}")
            assert page.exceptions == []

    assert layout["largeur"] <= layout["fenetre"] == width, "the page scrolls sideways"
    assert layout["cartes_qui_debordent"] == []
    assert layout["champs_hors_ecran"] == []
    assert layout["pastilles"] >= 3 and layout["pastilles_loin_du_libelle"] == []


async def _folded_with_the_big_grant(client) -> bool:
    f = (await client.get("/api/figures")).json()
    names = [t["nom"] for t in f["liste_territoires"]]
    return f["financements_total"]["engage_centimes"] > 4_500_000_000 and LONGEST_NAME in names


def _wire_like(event, **changes):
    return type(event).model_validate_json(json.dumps({**json.loads(event.model_dump_json()), **changes}))


VTE_TABLE = """(() => {
  const t = document.querySelector('#vte-tableau table');
  return { entetes: [...t.querySelectorAll('thead th')].map((h) => h.textContent),
           premieres_cellules: [...t.querySelectorAll('tbody tr')].map((r) => r.cells[0].textContent) };
})()"""
FAVICON = "fetch('/favicon.ico').then((r) => [r.status, r.headers.get('content-type')])"


async def test_the_page_labels_every_row_says_what_is_synthetic_and_that_the_programme_has_183_territories(
    served, publish
):
    assert CHROMIUM is not None
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish([*scenario.programme(), *scenario.later_events(), *scenario.synthetic_events()])
        await eventually(lambda: _synthetic_folded(client))
        async with Page(CHROMIUM) as page:
            await page.viewport(1400, 900)
            await page.goto(f"{base}/tableau-de-bord#access_token={STAFF_TOKEN}")
            banner = await eventually(lambda: _text(page, "document.querySelector('#synthetique').textContent"))
            vte = await page.evaluate(VTE_TABLE)
            page_text = await page.evaluate("document.body.innerText")
            favicon = await page.evaluate(FAVICON)
            icon_link = await page.evaluate("document.querySelector('link[rel~=icon]')?.getAttribute('href')")
            assert page.exceptions == []

    print(f"\nbanner: {banner}\nVTE table: {vte}")
    assert "1 binôme élu-industriel" in banner and "2 contrats VTE" in banner and "1 demande de financement" in banner
    assert all(cell.strip() for cell in vte["premieres_cellules"]) and "Non renseignée" in vte["premieres_cellules"]
    assert any("accordée" in h for h in vte["entetes"]) and any("versé" in h for h in vte["entetes"])
    assert "183" in page_text and "annexe" in page_text
    assert favicon[0] == 200 and favicon[1].startswith("image/") and icon_link


async def _synthetic_folded(client) -> bool:
    f = (await client.get("/api/figures")).json()
    return f["synthetique"]["contrats_vte"] >= 2 and f["vte_total"]["aides_refusees"] >= 1


NOT_PUBLISHED = "non publié"
HIDDEN_FROM_A_READER = """(() => {
  const t = document.querySelector('#financements-tableau table');
  const colonnes = [...t.querySelectorAll('thead th')].map((h) => h.textContent);
  const de = (nom) => [...t.querySelectorAll('tbody tr')].map((r) => r.cells[colonnes.indexOf(nom)].textContent);
  return { investissement: de('Investissement prévu'), emplois: de('Emplois prévus'), engage: de('Engagé') };
})()"""
HIDDEN_FROM_ANOTHER_PROGRAMME = """(() => ({
  cartes_vte: [...document.querySelectorAll('#vte-chiffres dd')].map((d) => d.textContent),
  contrats: [...document.querySelectorAll('#chiffres div')].find((d) => d.textContent.includes('Contrats VTE'))
    ?.querySelector('dd')?.textContent,
  carte: [...document.querySelectorAll('#carte-tableau tbody tr')].map((r) => r.cells[2].textContent),
  tableau_vte: document.querySelector('#vte-tableau').textContent,
}))()"""


async def test_a_figure_the_callers_role_may_not_see_reads_non_publie_never_zero(served, publish):
    """Reporting sends `null` for what a role may not see (the amounts of dossiers still undecided to a reader, the
    VTE to another programme's instructor): the page says « non publié », never a 0 nobody counted."""
    assert CHROMIUM is not None
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish(scenario.programme() + scenario.later_events())
        await eventually(lambda: _folded(client))
        async with Page(CHROMIUM) as page:
            await page.viewport(1400, 900)
            await page.goto(f"{base}/tableau-de-bord#access_token={READER_TOKEN}")
            await eventually(lambda: _text(page, "document.querySelector('#financements-tableau tbody')?.textContent"))
            reader = await page.evaluate(HIDDEN_FROM_A_READER)
            assert page.exceptions == []
        async with Page(CHROMIUM) as page:
            await page.viewport(1400, 900)
            await page.goto(f"{base}/tableau-de-bord?indicateur=contrats_vte#access_token={FONDS_VERT_TOKEN}")
            await eventually(lambda: _text(page, "document.querySelector('#vte-chiffres')?.textContent"))
            instructor = await page.evaluate(HIDDEN_FROM_ANOTHER_PROGRAMME)
            assert page.exceptions == []

    print(f"\nreader: {reader}\nfonds vert instructor: {instructor}")
    assert reader["investissement"] and set(reader["investissement"]) == {NOT_PUBLISHED}
    assert reader["emplois"] and set(reader["emplois"]) == {NOT_PUBLISHED}
    assert NOT_PUBLISHED not in reader["engage"]  # decided money stays public
    assert instructor["contrats"] == NOT_PUBLISHED
    assert instructor["cartes_vte"] and all(NOT_PUBLISHED in card for card in instructor["cartes_vte"])
    assert instructor["carte"] and set(instructor["carte"]) == {NOT_PUBLISHED}
    assert NOT_PUBLISHED in instructor["tableau_vte"] and "Aucune donnée" not in instructor["tableau_vte"]


REGISTERS = """(() => {
  const s = document.querySelector('#registres');
  if (!s || s.hidden) return null;
  const lignes = (id) => [...document.querySelectorAll(`#${id} tbody tr`)]
    .map((r) => [...r.cells].map((c) => c.textContent));
  const cartes = (id) => Object.fromEntries([...document.querySelectorAll(`#${id} > div`)]
    .map((d) => [d.querySelector('dt').textContent, [...d.querySelectorAll('dd')].map((x) => x.textContent)]));
  return { titre: s.querySelector('h2').textContent, sites: cartes('registres-sites-chiffres'),
           par_region: lignes('registres-sites'),
           entetes_sites: [...document.querySelectorAll('#registres-sites thead th')].map((h) => h.textContent),
           maturites: lignes('registres-maturites'),
           ecoles: lignes('registres-ecoles'), rebond: cartes('registres-rebond-chiffres'),
           laureats: lignes('registres-rebond'), chefs: cartes('registres-chefs-chiffres'),
           reseau: lignes('registres-reseau'), legendes: [...s.querySelectorAll('caption')].map((c) => c.textContent),
           banniere: document.querySelector('#synthetique').textContent,
           largeur: document.documentElement.scrollWidth, fenetre: document.documentElement.clientWidth };
})()"""


async def _registers_folded(client) -> dict | None:
    f = (await client.get("/api/figures")).json()
    r = f.get("registres") or {}
    sites, ecoles = r.get("sites_cles_en_main", {}), r.get("ecoles_de_production", {}).get("registre", {})
    done = sites.get("proposes") == 19 and sites.get("retenus") == 1 and ecoles.get("ecoles") == 3
    done = done and r["rebond_industriel"]["laureats"] == 1 and r["reseau_chefs_de_projet"]["postes_regionaux"] == 1
    return r if done and f["territoires"]["territoires_labellises"] >= len(scenario.territories()) else None


async def _registers_drawn(page: Page) -> dict | None:
    seen = await page.evaluate(REGISTERS)
    return seen if seen and len(seen["par_region"]) == 3 and seen["reseau"] else None


async def test_the_registers_section_counts_sites_per_region_with_the_five_to_ten_flag_in_words__P580(served, publish):
    """« Registres du programme » (issue 24): the sites clés en main per region with the `P:580` flag « 5 à 10 par
    région » written out, the écoles de production beside the press kit's figures (`P:683`, `P:687`), the Rebond
    industriel laureates and the regional chefs de projet, « non publié » where the sources give no figure, the
    demonstration entries said; no WCAG violation; screenshots at desktop and phone widths."""
    from .test_dashboard_accessibility import AXE, RUN_AXE

    assert CHROMIUM is not None
    shots = {}
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_STAFF) as client:
        await publish([*scenario.programme(), *scenario.registers()])
        registres = await eventually(lambda: _registers_folded(client))
        async with Page(CHROMIUM) as page:
            await page.viewport(1400, 900)
            await page.goto(f"{base}/tableau-de-bord#access_token={STAFF_TOKEN}")
            seen = await eventually(lambda: _registers_drawn(page))
            await page.add_script(AXE)
            axe = await page.evaluate(RUN_AXE)
            shots["bureau"] = await page.screenshot(ARTIFACTS / "tableau-de-bord-registres-bureau.png")
            await page.viewport(390, 844, mobile=True)
            phone = await eventually(lambda: _registers_drawn(page))
            shots["telephone"] = await page.screenshot(ARTIFACTS / "tableau-de-bord-registres-telephone.png")
            assert page.exceptions == []

    print(f"\nregisters on the page: {seen}\naxe: {axe['violations']}\nscreenshots: {shots}")
    assert seen["titre"] == "Registres du programme"
    assert seen["par_region"] == [
        ["Hauts-de-France", "11", "0", "plus de 10 : au-delà de la fourchette"],
        ["Grand Est", "6", "1", "dans la fourchette"],
        ["Bretagne", "2", "0", "moins de 5 : en deçà de la fourchette"],
    ]
    assert seen["entetes_sites"][-1] == "Fourchette « 5 à 10 sites par région »"
    assert seen["sites"]["Sites proposés"] == ["19", "dont 2 de démonstration"]
    assert seen["sites"]["Sites retenus"] == ["1"] and seen["sites"]["Objectif national"] == ["50"]
    assert seen["sites"]["Hors territoires d'industrie"] == ["13"] and seen["sites"]["Sites accompagnés"] == ["1"]
    assert seen["sites"]["Financements connus des sites"] == ["aucun financement enregistré"]  # ingénierie only
    assert ["Déjà clé en main", "1"] in seen["maturites"] and ["Friche à réhabiliter", "18"] in seen["maturites"]
    assert seen["ecoles"] == [
        ["Écoles ouvertes", "65", "3 (dont 1 de démonstration)"],
        ["Déployées dans le cadre du programme (depuis 2021)", "39", "2"],
        ["Ouvertes en 2020", "25", NOT_PUBLISHED],
        ["Objectif d'ici 2027", "100", "sans objet"],
    ]
    assert seen["rebond"]["Territoires lauréats (registre)"] == ["1", "dont 1 de démonstration"]
    assert seen["rebond"]["Territoires lauréats (chiffre publié)"] == [NOT_PUBLISHED]
    assert seen["laureats"] == [["Grand Reims"]]
    assert seen["chefs"]["Chefs de projet régionaux en poste"] == ["1", "dont 1 de démonstration"]
    assert seen["chefs"]["Postes régionaux prévus (chiffre publié)"] == [NOT_PUBLISHED]
    network = registres["reseau_chefs_de_projet"]["par_region"]
    assert seen["reseau"] == [
        [r["libelle_region"], *(str(r[k]) for k in ("postes_regionaux", "postes_des_territoires", "territoires",
                                                    "territoires_sans_chef_de_projet"))]
        for r in network
    ]  # fmt: skip
    assert seen["reseau"][[r["region"] for r in network].index("44")][:2] == ["Grand Est", "1"]
    assert "2 sites clés en main" in seen["banniere"] and "1 école de production" in seen["banniere"]
    assert all(caption.strip() for caption in seen["legendes"]) and len(seen["legendes"]) >= 5
    assert axe["violations"] == []
    assert phone["largeur"] <= phone["fenetre"] == 390, "the page scrolls sideways on a phone"
    assert all(shot.stat().st_size > 10_000 for shot in shots.values())
