"""The steering committee's report as data: from the dashboard's figures (`/api/figures` of a zone) to sections of
charts and tables of French strings for the PDF, and to the list of figures of the XLSX companion, each with its
key in `/api/figures`, its as-of date and its lineage reference. Pure: no I/O."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tdi_reporting.report import charts
from tdi_reporting.report.french import NON_PUBLIE, count, euros, percent

COUNT, CENTS, PCT = "nombre", "centimes d'euro", "pourcentage"
_FORMAT: dict[str, Callable[[Any], str]] = {COUNT: count, CENTS: euros, PCT: percent}
STATUSES = (("proposed", "Proposée"), ("planned", "Programmée"), ("in-progress", "En cours"), ("done", "Réalisée"),
            ("abandoned", "Abandonnée"))  # fmt: skip


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


def lineage_query(f: Figure, level: str, zone: str, as_of: str) -> str:
    """The lineage route's query for a figure (`GET /api/lineage?…`): parameters in a fixed order."""
    params = [("read_model", f.read_model), ("level", level), ("zone", zone), ("measure", f.measure), *f.dims]
    return "/api/lineage?" + urlencode([*params, ("as_of", as_of)])


def lineage_reference(query: str) -> str:
    """`L-` and 16 base32 characters of the query's SHA-256: a stable reference printed next to a figure."""
    return "L-" + base64.b32encode(hashlib.sha256(query.encode()).digest()).decode()[:16]


class _Builder:
    def __init__(self, figures: dict[str, Any], level: str, zone: str, as_of: str) -> None:
        self.f, self.level, self.zone, self.as_of = figures, level, zone, as_of
        self.figures: list[Figure] = []

    def add(self, section: str, label: str, key: str, value: Any, unit: str, rm: str, measure: str,
            dims: tuple[tuple[str, str], ...] = ()) -> str:  # fmt: skip
        figure = Figure(section, label, key, value, unit, rm, measure, dims)
        self.figures.append(figure)
        return figure.shown

    def ref(self, figure_label: str) -> str:
        found = next(f for f in reversed(self.figures) if f.label == figure_label)
        return lineage_reference(lineage_query(found, self.level, self.zone, self.as_of))


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
    b = _Builder(figures, level, zone, as_of)
    sections = [
        _key_figures(b, figures, national=level == "national"),
        _map(b, figures, map_data, level, zone),
        _axes(b, figures, axes),
        _envelopes(b, figures),
        _vte(b, figures),
    ]
    synthetic = {k: v for k, v in (figures.get("synthetique") or {}).items() if v}
    notice = None
    if synthetic:
        parts = {"fiches_actions": "fiches actions", "binomes": "binômes élus-industriels",
                 "demandes": "demandes de financement", "contrats_vte": "contrats VTE"}  # fmt: skip
        listed = ", ".join(f"{count(v)} {parts[k]}" for k, v in synthetic.items() if k in parts)
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
    )


def _key_figures(b: _Builder, f: dict[str, Any], *, national: bool) -> Section:
    s = "Chiffres clés"
    t, ft, v = f["territoires"], f["financements_total"], f["vte_total"]
    rows = [
        ("Territoires labellisés", "territoires.territoires_labellises", t["territoires_labellises"], COUNT, "territoires"),
        ("EPCI", "territoires.epci", t["epci"], COUNT, "territoires"),
        ("Binômes élus-industriels", "territoires.binomes", t["binomes"], COUNT, "territoires"),
        ("Chefs de projet en poste", "territoires.chefs_de_projet", t["chefs_de_projet"], COUNT, "territoires"),
        ("Territoires sans chef de projet", "territoires.territoires_sans_chef_de_projet",
         t["territoires_sans_chef_de_projet"], COUNT, "territoires"),
        ("Fiches actions", "fiches_actions", f["fiches_actions"], COUNT, "actions_axes"),
        ("Demandes de financement déposées", "financements_total.demandes_deposees", ft["demandes_deposees"], COUNT,
         "financements"),
        ("Demandes accordées", "financements_total.demandes_accordees", ft["demandes_accordees"], COUNT, "financements"),
        ("Montants engagés", "financements_total.engage_centimes", ft["engage_centimes"], CENTS, "financements"),
        ("Montants versés", "financements_total.verse_centimes", ft["verse_centimes"], CENTS, "financements"),
        ("Contrats VTE signés", "vte_total.contrats_signes", v["contrats_signes"], COUNT, "vte"),
    ]  # fmt: skip
    table = Table("Chiffres clés du périmètre", ["Indicateur", "Valeur", "Référence de lignée"], [], (1,))
    for label, key, value, unit, rm in rows:
        shown = b.add(s, label, key, value, unit, rm, key.rsplit(".", 1)[-1])
        table.rows.append([label, shown, b.ref(label)])
    intro = ""
    if national and (t["territoires_labellises"] or 0) < f["territoires_annonces"]:
        intro = (
            f"Le programme compte {f['territoires_annonces']} territoires lauréats ; {count(t['territoires_labellises'])}"
            f" sont connus de la plateforme. Un territoire de la liste officielle ne figure pas dans l'annexe du"
            f" dossier de presse ({f['territoires_annexe']} territoires) : il sera compté dès qu'il aura été saisi."
        )
    return Section(s, intro=intro, tables=[table, _territories(f)])


def _territories(f: dict[str, Any]) -> Table:
    """The territories of the zone by name, and which has no chef de projet (names, not figures)."""
    filters = f["filtres"]
    without = {t["id"] for t in f["territoires_sans_chef_de_projet"]}
    rows = [
        [t["nom"], ", ".join(t["departements"]), "aucun" if t["id"] in without else "en poste"]
        for t in sorted(f["liste_territoires"], key=lambda t: t["nom"])
        if (not filters["region"] or filters["region"] in t["regions"])
        and (not filters["departement"] or filters["departement"] in t["departements"])
        and (not filters["territoire"] or filters["territoire"] == t["id"])
    ]
    return Table("Territoires du périmètre", ["Territoire", "Départements", "Chef de projet"], rows)


def _map(b: _Builder, f: dict[str, Any], map_data: dict[str, Any], level: str, zone: str) -> Section:
    s = "Carte des territoires"
    per_dep: dict[str, dict[str, int]] = f["carte"]["departements"]
    in_zone = _departements_of_zone(f, level, zone)
    svg, classes = charts.france_map(map_data, {d: (v.get("territoires_labellises") or 0) for d, v in per_dep.items()},
                                     in_zone)  # fmt: skip
    table = Table("Par département du périmètre : territoires, fiches actions, montants engagés, contrats VTE",
                  ["Département", "Territoires labellisés", "Fiches actions", "Montants engagés", "Contrats VTE"],
                  [], (1, 2, 3, 4))  # fmt: skip
    for code, name in sorted(in_zone.items()):
        cells = [f"{name} ({code})"]
        for figure, unit, label in (("territoires_labellises", COUNT, "Territoires labellisés"),
                                    ("fiches_actions", COUNT, "Fiches actions"),
                                    ("engage_centimes", CENTS, "Montants engagés"),
                                    ("contrats_vte", COUNT, "Contrats VTE signés")):  # fmt: skip
            value = per_dep.get(code, {}).get(figure, 0) if _published(f, figure) else None
            rm, measure = charts.MAP_FIGURES[figure]
            cells.append(b.add(s, f"{label} — {name} ({code})", f"carte.departements.{code}.{figure}", value, unit, rm,
                               measure, (("departement", code),)))  # fmt: skip
        table.rows.append(cells)
    alt = (
        "Carte des départements de France, chacun coloré selon son nombre de territoires labellisés (légende sous la"
        f" carte) ; les départements du périmètre ({', '.join(sorted(in_zone)) or 'aucun'}) sont hachurés et"
        " cerclés de noir. Le tableau qui suit donne chaque valeur."
    )
    caption = "Territoires labellisés par département ; " + "; ".join(classes) + ". Périmètre hachuré."
    return Section(s, chart=svg, chart_alt=alt, chart_caption=caption, tables=[table])


def _published(f: dict[str, Any], figure: str) -> bool:
    total = {"territoires_labellises": f["territoires"]["territoires_labellises"], "fiches_actions": f["fiches_actions"],
             "engage_centimes": f["financements_total"]["engage_centimes"],
             "contrats_vte": f["vte_total"]["contrats_signes"]}[figure]  # fmt: skip
    return total is not None


def _departements_of_zone(f: dict[str, Any], level: str, zone: str) -> dict[str, str]:
    from tdi_reporting.domain import departement_label, region_of_departement
    from tdi_contracts.reference import Departement

    codes = [d.value for d in Departement]
    if level == "national":
        chosen = codes
    elif level == "region":
        chosen = [c for c in codes if region_of_departement(c) == zone]
    elif level == "departement":
        chosen = [zone]
    else:
        found = next((t for t in f["liste_territoires"] if t["id"] == zone), None)
        chosen = list(found["departements"]) if found else []
    return {c: departement_label(c) for c in chosen}


def _axes(b: _Builder, f: dict[str, Any], axes: list[dict[str, Any]]) -> Section:
    s = "Fiches actions : 4 axes, 12 catégories"
    per: dict[tuple[str, str], int] = {}
    for r in f["actions_par_categorie"]:
        per[(r["categorie"], r["statut"])] = per.get((r["categorie"], r["statut"]), 0) + r["fiches_actions"]
    items, rows = [], []
    for k, axis in enumerate(axes):
        for cat in axis["categories"]:
            total = sum(n for (c, _), n in per.items() if c == cat["code"])
            key = f"sum(actions_par_categorie[categorie={cat['code']}].fiches_actions)"
            label = f"{axis['libelle']} · {cat['libelle']}"
            shown = b.add(s, label, key, total, COUNT, "actions", "fiches_actions", (("categorie", cat["code"]),))
            items.append(charts.Bar(label, total, shown, k))
            by_status = [count(per.get((cat["code"], st), 0)) for st, _ in STATUSES]
            rows.append([axis["libelle"], cat["libelle"], *by_status, shown])
    axis_rows = []
    for r in f["actions_par_axe"]:
        label = f"Axe {r['libelle_axe']}"
        shown = b.add(s, label, f"actions_par_axe[axe={r['axe']}].fiches_actions", r["fiches_actions"], COUNT,
                      "actions_axes", "fiches_actions", (("axe", r["axe"]),))  # fmt: skip
        axis_rows.append([r["libelle_axe"], shown])
    series = [charts.Series(a["libelle"], charts.AXIS_COLOURS.get(a["code"], "#000091")) for a in axes]
    svg = charts.bars(items, series)
    return Section(
        s,
        intro="Une action peut compter dans plusieurs catégories ; chaque axe a son motif, la valeur est écrite au"
        " bout de chaque barre.",
        chart=svg,
        chart_alt="Diagramme en barres horizontales : fiches actions de chacune des 12 catégories, regroupées par axe,"
        " la valeur écrite au bout de chaque barre ; le tableau qui suit donne les mêmes chiffres.",
        chart_caption="Fiches actions par catégorie (motif par axe : "
        + ", ".join(f"{x.label} — {charts.PATTERN_NAMES[i % len(charts.PATTERN_NAMES)]}" for i, x in enumerate(series))
        + ").",
        tables=[
            Table(
                "Fiches actions par catégorie et statut",
                ["Axe", "Catégorie", *(n for _, n in STATUSES), "Total"],
                rows,
                tuple(range(2, 8)),
            ),  # fmt: skip
            Table(
                "Fiches actions par axe (une action comptée une fois par axe)",
                ["Axe", "Fiches actions"],
                axis_rows,
                (1,),
            ),  # fmt: skip
        ],
    )


def _envelopes(b: _Builder, f: dict[str, Any]) -> Section:
    s = "Enveloppes et financements"
    rows, items = [], []
    for e in f["enveloppes"]:
        code = e["code_enveloppe"]
        dims = (("code_enveloppe", code),)
        cells = [code, e["libelle_programme"], e["libelle_region"] or "Nationale"]
        for column, unit, label in (("plafond_centimes", CENTS, "plafond"), ("engage_centimes", CENTS, "engagé"),
                                    ("verse_centimes", CENTS, "versé"), ("disponible_centimes", CENTS, "disponible"),
                                    ("taux_engagement_pct", PCT, "taux d'engagement")):  # fmt: skip
            cells.append(b.add(s, f"Enveloppe {code} — {label}", f"enveloppes[code_enveloppe={code}].{column}",
                               e[column], unit, "enveloppes", column, dims))  # fmt: skip
        rows.append(cells)
        items.append(charts.Bar(f"{e['libelle_region'] or 'Nationale'} — {code}", e["taux_engagement_pct"] or 0,
                                f"{cells[-1]} de {cells[3]}", 0))  # fmt: skip
    programmes = []
    for r in f["financements"]:
        p = r["programme"]
        cells = [r["libelle_programme"]]
        for column, unit, label in (("demandes_deposees", COUNT, "demandes déposées"),
                                    ("demandes_accordees", COUNT, "demandes accordées"),
                                    ("demandes_refusees", COUNT, "demandes refusées"),
                                    ("engage_centimes", CENTS, "engagé"), ("verse_centimes", CENTS, "versé")):  # fmt: skip
            cells.append(b.add(s, f"{r['libelle_programme']} — {label}", f"financements[programme={p}].{column}",
                               r[column], unit, "financements", column, (("programme", p),)))  # fmt: skip
        programmes.append(cells)
    chart = charts.bars(items, [charts.Series("Part engagée", "#000091")]) if items else None
    return Section(
        s,
        intro="" if items else "Aucune enveloppe pour ce périmètre.",
        chart=chart,
        chart_alt="Diagramme en barres : part engagée de chaque enveloppe, en pourcentage de son plafond, écrite au"
        " bout de chaque barre ; le tableau qui suit donne les montants.",
        chart_caption="Part engagée de chaque enveloppe (en % du plafond).",
        tables=[
            Table("Enveloppes : plafond, engagé, versé, disponible",
                  ["Enveloppe", "Programme", "Région", "Plafond", "Engagé", "Versé", "Disponible", "Engagé (%)"],
                  rows, (3, 4, 5, 6, 7)),
            Table("Demandes et financements par programme",
                  ["Programme", "Déposées", "Accordées", "Refusées", "Engagé", "Versé"], programmes, (1, 2, 3, 4, 5)),
        ],
    )  # fmt: skip


def _vte(b: _Builder, f: dict[str, Any]) -> Section:
    s = "Volontariat territorial en entreprise (VTE)"
    v = f["vte_total"]
    totals = []
    for column, unit, label in (("contrats_signes", COUNT, "Contrats signés"), ("contrats_verts", COUNT, "dont VTE vert"),
                                ("aides_versees", COUNT, "Aides versées"),
                                ("aide_totale_centimes", CENTS, "Aide versée (base + vert)"),
                                ("aides_refusees", COUNT, "Aides refusées")):  # fmt: skip
        totals.append([label, b.add(s, f"VTE — {label}", f"vte_total.{column}", v[column], unit, "vte", column)])
    sizes, items = [], []
    for r in f["vte"]:
        size = r["taille_entreprise"] or ""
        name = r["libelle_taille_entreprise"]
        cells = [name]
        for column, unit, label in (("contrats_signes", COUNT, "contrats signés"),
                                    ("aides_refusees", COUNT, "aides refusées"),
                                    ("aide_totale_centimes", CENTS, "aide versée")):  # fmt: skip
            cells.append(b.add(s, f"VTE {name} — {label}", f"vte[taille_entreprise={size}].{column}", r[column], unit,
                               "vte", column, (("taille_entreprise", size),)))  # fmt: skip
        sizes.append(cells)
        items.append(charts.Bar(name, r["contrats_signes"] or 0, cells[1], 0))
    hidden = v["contrats_signes"] is None
    chart = charts.bars(items, [charts.Series("Contrats signés", "#000091")]) if items and not hidden else None
    return Section(
        s,
        intro=f"VTE par taille d'entreprise : {NON_PUBLIE} pour ce rôle." if hidden else "",
        chart=chart,
        chart_alt="Diagramme en barres : contrats VTE signés par taille d'entreprise, la valeur écrite au bout de chaque"
        " barre ; le tableau qui suit donne les mêmes chiffres.",
        chart_caption="Contrats VTE signés par taille d'entreprise.",
        tables=[
            Table("VTE : contrats et aides", ["Indicateur", "Valeur"], totals, (1,)),
            Table(
                "VTE par taille d'entreprise",
                ["Taille d'entreprise", "Contrats signés", "Aides refusées", "Aide versée"],
                sizes,
                (1, 2, 3),
            ),  # fmt: skip
        ],
    )
