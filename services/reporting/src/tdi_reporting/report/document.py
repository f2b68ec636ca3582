"""The steering committee's report as data: from the dashboard's figures (`/api/figures` of a zone) to sections of
charts and tables of French strings for the PDF, and to the list of figures of the XLSX companion, each with its
key in `/api/figures`, its as-of date and its lineage: the lineage route's query for it and its reference. Pure: no
I/O.

The reference is the lineage route's own (issue 26 backend, `lineage.FigureQuery.reference`): `L-` and 20 base32
characters of the SHA-256 of the figure (read model, level, zone, measure, dimensions) and of the tick the figures
describe (`situation.tick` of `/api/figures`). Without a tick (figures of a service without the history) there is
no reference to give: « non publié »."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tdi_reporting.lineage import FigureQuery
from tdi_reporting.report.french import NON_PUBLIE, count, euros, percent

COUNT, CENTS, PCT = "nombre", "centimes d'euro", "pourcentage"
_FORMAT: dict[str, Callable[[Any], str]] = {COUNT: count, CENTS: euros, PCT: percent}
STATUSES = (
    ("proposed", "Proposée"),
    ("planned", "Programmée"),
    ("in-progress", "En cours"),
    ("done", "Réalisée"),
    ("abandoned", "Abandonnée"),
)


@dataclass(frozen=True)
class Figure:
    """One figure of the report: where it is in `/api/figures` (`key`), its value and unit, and what the lineage
    route is asked to list the events that make it."""

    section: str
    label: str
    key: str
    value: int | float | None
    unit: str
    read_model: str
    measure: str
    dims: tuple[tuple[str, str], ...] = ()
    where: tuple[str, str] | None = None
    """(level, zone) of a figure not of the report's zone: an envelope (`national`, its code), a département."""
    traced: bool = True
    """False for a figure the lineage route cannot name (a VTE row without a company size)."""

    @property
    def shown(self) -> str:
        return _FORMAT[self.unit](self.value)


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()


@dataclass
class Section:
    title: str
    intro: str = ""
    chart: str | None = None  # an SVG document
    chart_alt: str = ""
    chart_caption: str = ""
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    title: str
    zone_label: str
    situation: str  # « 15 mars 2024 », or the live instant
    situation_note: str
    as_of: str  # the as-of date (ISO) every figure carries
    synthetic: str | None  # the notice on every page, when demonstration data are counted
    sections: list[Section]
    figures: list[Figure]
    level: str
    zone: str
    tick: int | None = None  # the state of the platform the figures describe (`situation.tick`)

    def lineage_of(self, f: Figure) -> dict[str, Any] | None:
        """The figure as the lineage route names it (None: it cannot)."""
        if not f.traced:
            return None
        level, zone = f.where or (self.level, self.zone)
        return {"read_model": f.read_model, "level": level, "zone": zone, "measure": f.measure,
                "dimensions": dict(f.dims)}  # fmt: skip

    def lineage_query(self, f: Figure) -> str:
        return lineage_query(self.lineage_of(f), self.as_of)

    def lineage_reference(self, f: Figure) -> str:
        return lineage_reference(self.lineage_of(f), self.tick)


def lineage_query(figure: dict[str, Any] | None, as_of: str) -> str:
    """`GET /api/lineage?read_model=…&level=…&zone=…&measure=…[&<dimension>=…]&as_of=…` for a figure."""
    if figure is None:
        return NON_PUBLIE
    params = [(k, figure[k]) for k in ("read_model", "level", "zone", "measure")]
    return "/api/lineage?" + urlencode([*params, *sorted(figure["dimensions"].items()), ("as_of", as_of)])


def lineage_reference(figure: dict[str, Any] | None, tick: int | None) -> str:
    """The lineage route's reference of a figure at a tick (« non publié » without one): `lineage.FigureQuery`'s."""
    if figure is None or tick is None:
        return NON_PUBLIE
    return FigureQuery.of_json(figure).reference(tick)


class Builder:
    def __init__(self, figures: dict[str, Any], level: str, zone: str, as_of: str) -> None:
        self.f, self.level, self.zone, self.as_of = figures, level, zone, as_of
        self.tick: int | None = (figures.get("situation") or {}).get("tick")
        self.figures: list[Figure] = []

    def add(
        self,
        section: str,
        label: str,
        key: str,
        value: Any,
        unit: str,
        rm: str,
        measure: str,
        dims: tuple[tuple[str, str], ...] = (),
        where: tuple[str, str] | None = None,
        traced: bool = True,
    ) -> str:
        figure = Figure(section, label, key, value, unit, rm, measure, dims, where, traced)
        self.figures.append(figure)
        return figure.shown

    def ref(self, figure_label: str) -> str:
        found = next(f for f in reversed(self.figures) if f.label == figure_label)
        if not found.traced:
            return NON_PUBLIE
        level, zone = found.where or (self.level, self.zone)
        figure = {"read_model": found.read_model, "level": level, "zone": zone, "measure": found.measure,
                  "dimensions": dict(found.dims)}  # fmt: skip
        return lineage_reference(figure, self.tick)


def build_report(
    figures: dict[str, Any],
    *,
    zone_label: str,
    situation: str,
    situation_note: str,
    as_of: str,
    map_data: dict[str, Any],
    axes: list[dict[str, Any]],
) -> Report:
    """`figures`: the dashboard's document for the zone; `axes`: the 4 axes and their 12 categories (`/api/reference`);
    `map_data`: the vendored map of the départements."""
    filters = figures["filtres"]
    level, zone = (
        ("territory", filters["territoire"])
        if filters["territoire"]
        else ("departement", filters["departement"])
        if filters["departement"]
        else ("region", filters["region"])
        if filters["region"]
        else ("national", "FR")
    )
    from tdi_reporting.report import sections_money, sections_places

    b = Builder(figures, level, zone, as_of)
    sections = [
        sections_places.key_figures(b, figures, national=level == "national"),
        sections_places.france(b, figures, map_data, level, zone),
        sections_places.axes(b, figures, axes),
        sections_money.envelopes(b, figures),
        sections_money.vte(b, figures),
    ]
    synthetic = {k: v for k, v in (figures.get("synthetique") or {}).items() if v}
    notice = None
    if synthetic:
        parts = {
            "fiches_actions": ("fiche action", "fiches actions"),
            "binomes": ("binôme élus-industriels", "binômes élus-industriels"),
            "demandes": ("demande de financement", "demandes de financement"),
            "contrats_vte": ("contrat VTE", "contrats VTE"),
        }
        listed = ", ".join(f"{count(v)} {parts[k][v > 1]}" for k, v in synthetic.items() if k in parts)
        notice = f"DONNÉES SYNTHÉTIQUES — démonstration, pas des données réelles : {listed} de ce périmètre."
    return Report(
        title=f"Comité de pilotage — {zone_label}",
        zone_label=zone_label,
        situation=situation,
        situation_note=situation_note,
        as_of=as_of,
        synthetic=notice,
        sections=sections,
        figures=b.figures,
        level=level,
        zone=zone,
        tick=b.tick,
    )
