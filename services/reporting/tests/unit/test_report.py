"""The steering committee's report (issue 26): French formats from exact cents, zones, the XLSX companion equal to
the dashboard's figures with an as-of date and a lineage reference on every figure, a tagged French PDF that says
« données synthétiques » on every page, charts that say their values and mark their series by pattern."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import openpyxl
import pytest
from pypdf import PdfReader

from tdi_reporting import views
from tdi_reporting.domain import Filters, Territory, TerritoryMap
from tdi_reporting.report import charts
from tdi_reporting.report.document import build_report
from tdi_reporting.report.french import NNBSP, euros
from tdi_reporting.report.making import MAP, reference_axes
from tdi_reporting.report.pdf import render_pdf
from tdi_reporting.report.workbook import COLUMNS, render_xlsx
from tdi_reporting.report.zone import Zone, parse_as_of, parse_zone
from tdi_reporting.store import Snapshot
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

sys.path.insert(0, str(Path(__file__).parents[1]))
from figure_keys import figure_at

REIMS = Territory("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",))
LACQ = Territory("tdi-75-lacq-pau-tarbes", None, "Lacq – Pau – Tarbes", True, ("75", "76"), ("64", "65"))
D = date(2024, 1, 1)
NATIONAL = Caller("n", "national")


def fiche(territory: str, n: int, category: str, synthetic: bool = False) -> dict[str, Any]:
    return {
        "fiche_action_id": f"f{n}",
        "territory_id": territory,
        "categories": [category],
        "planned_on": D,
        "started_on": None,
        "completed_on": None,
        "abandoned_on": None,
        "synthetic": synthetic,
    }


def contract(territory: str, size: str | None, *, refused: bool = False) -> dict[str, Any]:
    return {
        "territory_id": territory,
        "employer_size": size,
        "green_mission": False,
        "signed_on": None if refused else D,
        "granted_on": None,
        "refused_on": D if refused else None,
        "ended_on": None,
        "base_granted_cents": None if refused else 400_000,
        "green_granted_cents": None,
        "payments": None,
        "base_paid_cents": None,
        "green_paid_cents": None,
        "requested_cents": 0,
        "housing_aids": None,
        "housing_cents": None,
        "synthetic": False,
    }


def grand_est_figures(synthetic: bool = True) -> dict[str, Any]:
    s = Snapshot(
        TerritoryMap([REIMS, LACQ]),
        fiches=[
            fiche(REIMS.territory_id, 1, "numerique"),
            fiche(LACQ.territory_id, 2, "numerique"),
            fiche(REIMS.territory_id, 3, "requalification-friches", synthetic=synthetic),
        ],
        applications=[],
        grants=[],
        envelopes=[],
        vte=[
            contract(REIMS.territory_id, "pme"),
            contract(REIMS.territory_id, None, refused=True),
            contract(REIMS.territory_id, "eti"),
        ],
    )
    return views.figures(s, Filters(region="44"), NATIONAL)


def report_of(figures: dict):
    return build_report(
        figures,
        zone_label="Grand Est",
        situation="15 mars 2024",
        situation_note="Note.",
        as_of="2024-03-15",
        map_data=json.loads(MAP.read_text(encoding="utf-8")),
        axes=reference_axes(),
    )


def test_amounts_read_in_french_from_exact_cents_and_a_figure_not_given_reads_non_publie():
    assert euros(790_000_000) == f"7{NNBSP}900{NNBSP}000,00{NNBSP}€"
    assert euros(123_456_789) == f"1{NNBSP}234{NNBSP}567,89{NNBSP}€"
    assert euros(5) == f"0,05{NNBSP}€"
    assert euros(None) == "non publié"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("national", Zone("national")),
        ("region:44", Zone("region", "44")),
        ("departement:2A", Zone("departement", "2A")),
        ("territory:tdi-44-grand-reims", Zone("territory", "tdi-44-grand-reims")),
        ("region:Grand Est", Zone("region", "44")),
        ("departement:marne", Zone("departement", "51")),
    ],
)
def test_a_zone_is_the_nation_a_region_a_departement_or_a_territory(text, zone):
    assert parse_zone(text) == zone


@pytest.mark.parametrize("text", ["", "region", "region:", "monde:1", "national:FR", "commune:51100"])
def test_any_other_zone_is_refused_with_a_code_and_a_french_sentence(text):
    with pytest.raises(DomainError) as refused:
        parse_zone(text)
    assert refused.value.code == "INVALID_REQUEST" and "national, region:" in refused.value.message


@pytest.mark.parametrize(("text", "words"), [("region:99", "44 Grand Est"), ("departement:00", "code INSEE")])
def test_an_unknown_region_or_departement_is_refused_naming_what_exists(text, words):
    with pytest.raises(DomainError) as refused:
        parse_zone(text)
    assert refused.value.code == "INVALID_REQUEST" and words in refused.value.message


def test_a_situation_date_is_a_date_or_an_instant_and_anything_else_is_refused():
    assert str(parse_as_of("2024-03-15")) == "2024-03-15"
    assert parse_as_of("2024-03-15T18:00:00+01:00").hour == 18  # type: ignore[union-attr]
    with pytest.raises(DomainError) as refused:
        parse_as_of("15/03/2024")
    assert refused.value.code == "INVALID_REQUEST" and "AAAA-MM-JJ" in refused.value.message


def test_the_workbook_gives_every_figure_of_the_report_equal_to_the_dashboards_with_its_date_and_lineage():
    figures = {**grand_est_figures(), "situation": {"tick": 42, "instant": "2024-03-15T17:00:00+00:00"}}
    report = report_of(figures)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert book.sheetnames[0] == "Lisez-moi" and len(book.sheetnames) == 1 + len(report.sections)
    seen = 0
    for sheet in book.worksheets[1:]:
        rows = list(sheet.iter_rows(values_only=True))
        assert "DONNÉES SYNTHÉTIQUES" in rows[0][0]
        assert tuple(rows[1][: len(COLUMNS)]) == COLUMNS
        for row in rows[2:]:
            record = dict(zip(COLUMNS, row, strict=False))
            expected = figure_at(figures, record["cle_api"])
            assert record["valeur"] == expected, record
            assert record["situation_au"] == "2024-03-15"
            if record["requete_lignee"] != "non publié":  # a VTE row without a company size has no lineage
                assert record["requete_lignee"].startswith("/api/lineage?read_model=")
                assert record["requete_lignee"].endswith("&as_of=2024-03-15")
                assert record["reference_lignee"] == the_lineage_routes_reference(record["requete_lignee"], 42)
            seen += 1
    assert seen == len(report.figures) > 50
    keys = {f.key for f in report.figures}
    assert {"territoires.binomes", "fiches_actions", "financements_total.engage_centimes",
            "vte_total.contrats_signes"} <= keys  # fmt: skip


def the_lineage_routes_reference(query: str, tick: int) -> str:
    """The reference `GET /api/lineage` gives a figure (the insight backend's `FigureQuery.reference`): `L-` and 20
    base32 characters of the SHA-256 of the figure's canonical JSON with the tick."""
    params = dict(parse_qsl(query.split("?", 1)[1]))
    figure = {k: params.pop(k) for k in ("read_model", "level", "zone", "measure")}
    params.pop("as_of")
    canonical = json.dumps({**figure, "dimensions": params, "tick": tick}, sort_keys=True, separators=(",", ":"))
    return "L-" + base64.b32encode(hashlib.sha256(canonical.encode()).digest()).decode()[:20]


def test_each_figure_is_named_as_the_lineage_route_names_it():
    report = report_of({**grand_est_figures(), "situation": {"tick": 7, "instant": None}})
    by_key = {f.key: report.lineage_query(f) for f in report.figures}
    assert by_key["territoires.binomes"] == (
        "/api/lineage?read_model=territoires&level=region&zone=44&measure=binomes&as_of=2024-03-15"
    )
    assert by_key["carte.departements.51.fiches_actions"] == (
        "/api/lineage?read_model=actions_axes&level=departement&zone=51&measure=fiches_actions&as_of=2024-03-15"
    )
    assert by_key["sum(actions_par_categorie[categorie=numerique].fiches_actions)"].endswith(
        "measure=fiches_actions&categorie=numerique&as_of=2024-03-15"
    )
    assert by_key["vte[taille_entreprise=].contrats_signes"] == "non publié"


def test_without_the_state_the_figures_describe_no_lineage_reference_is_invented():
    report = report_of(grand_est_figures())  # figures of a service without the history: no `situation.tick`
    assert {report.lineage_reference(f) for f in report.figures} == {"non publié"}


def test_the_pdf_is_tagged_french_and_says_synthetic_data_on_every_page():
    pdf = PdfReader(io.BytesIO(render_pdf(report_of(grand_est_figures()))))
    pages = [p.extract_text() for p in pdf.pages]
    assert len(pages) >= 3
    assert all("DONNÉES SYNTHÉTIQUES" in text for text in pages), [t[:120] for t in pages]
    whole = "\n".join(pages)
    for words in (
        "Comité de pilotage — Grand Est",
        "Chiffres clés",
        "4 axes, 12 catégories",
        "Écologie industrielle",
        "Enveloppes",
        "Volontariat territorial en entreprise",
        "Référence de lignée",
        "Situation au",
    ):
        assert words in whole, words
    root = pdf.trailer["/Root"]
    assert str(root["/Lang"]).startswith("fr") and "/StructTreeRoot" in root  # tagged (PDF/UA-1)


def test_the_synthetic_notice_names_each_kind_of_demonstration_figure_in_good_french():
    report = report_of({**grand_est_figures(), "synthetique": {"fiches_actions": 1, "binomes": 0, "demandes": 2,
                                                               "contrats_vte": None}})  # fmt: skip
    assert report.synthetic is not None
    assert report.synthetic.endswith(": 1 fiche action, 2 demandes de financement de ce périmètre.")


def test_a_report_of_real_data_carries_no_synthetic_notice():
    report = report_of(grand_est_figures(synthetic=False))
    assert report.synthetic is None
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages]
    assert not any("SYNTHÉTIQUES" in text for text in pages)


def test_every_bar_says_its_value_and_each_series_has_its_own_pattern():
    items = [charts.Bar("Innovation · Soutien aux filières", 7, "7", 2), charts.Bar("Foncier · Friches", 3, "3", 1)]
    series = [charts.Series(n, c) for n, c in (("A", "#18753c"), ("B", "#716043"), ("C", "#000091"), ("D", "#a94645"))]
    svg = charts.bars(items, series)
    assert ">7</text>" in svg and ">3</text>" in svg
    assert 'fill="url(#m2)"' in svg and 'fill="url(#m1)"' in svg
    patterns = [svg.split(f'<pattern id="m{k}"')[1].split("</pattern>")[0] for k in range(4)]
    assert len({p.split("/>", 1)[1] for p in patterns}) == 4  # four different motifs, not four colours only


def test_a_name_the_pdf_font_cannot_show_reads_as_a_question_mark_and_never_fails_the_report():
    figures = grand_est_figures()
    figures["liste_territoires"][0]["nom"] = "Vallée 😀 de l'Ouest 漢字"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report_of(figures)))).pages)
    assert "Vallée ? de l'Ouest ??" in text
