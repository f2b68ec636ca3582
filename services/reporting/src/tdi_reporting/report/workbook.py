"""The XLSX companion of the report: the same figures, one sheet per section, every figure with its value (integer
cents for amounts), its as-of date and its lineage reference and query; a first sheet says what the file is, and
every sheet's first line says when the figures are demonstration data."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from tdi_reporting.exports import _cell
from tdi_reporting.report.document import Report

COLUMNS = (
    "indicateur",
    "valeur",
    "unite",
    "valeur_affichee",
    "situation_au",
    "reference_lignee",
    "requete_lignee",
    "cle_api",
)
"""`cle_api`: where the figure is in `GET /api/figures` for the same zone (`a.b`, `list[key=value].field`, `sum(…)`)."""


def render_xlsx(report: Report) -> bytes:
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "Lisez-moi"
    for line in (
        [report.title],
        ["Situation au", report.situation],
        ["Date de situation (ISO)", report.as_of],
        ["Note", report.situation_note],
        ["Données", report.synthetic or "Données de la plateforme (aucune donnée de démonstration dans ce périmètre)."],
        [
            "Colonnes",
            "valeur : le chiffre (montants en centimes d'euro, entiers) ; situation_au : sa date de situation ;"
            " reference_lignee et requete_lignee : les événements qui le font (GET /api/lineage) ;"
            " cle_api : où le trouver dans GET /api/figures pour la même zone.",
        ],
    ):
        about.append([_cell(c) for c in line])
    for section in report.sections:
        sheet = book.create_sheet(_title(section.title))
        banner = f"{section.title} — {report.zone_label} — situation au {report.situation}"
        sheet.append([_cell(banner + (" — DONNÉES SYNTHÉTIQUES (démonstration)" if report.synthetic else ""))])
        sheet.append(list(COLUMNS))
        for f in (x for x in report.figures if x.section == section.title):
            reference, query = report.lineage_reference(f), report.lineage_query(f)
            row: list[Any] = [f.label, f.value, f.unit, f.shown, report.as_of, reference, query, f.key]
            sheet.append([_cell(c) for c in row])
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(name: str) -> str:
    """A sheet's name: at most 31 characters, none of `[]:*?/\\`."""
    return "".join(c for c in name if c not in "[]:*?/\\")[:31]
