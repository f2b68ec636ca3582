"""Sections of the report about money and people: envelopes and funding by programme, the VTE."""

from __future__ import annotations

from typing import Any

from tdi_reporting.report import charts
from tdi_reporting.report.document import CENTS, COUNT, PCT, Builder, Section, Table
from tdi_reporting.report.french import NON_PUBLIE


def envelopes(b: Builder, f: dict[str, Any]) -> Section:
    s = "Enveloppes et financements"
    rows, items = [], []
    for e in f["enveloppes"]:
        code = e["code_enveloppe"]
        cells = [code, e["libelle_programme"], e["libelle_region"] or "Nationale"]
        for column, unit, label in (
            ("plafond_centimes", CENTS, "plafond"),
            ("engage_centimes", CENTS, "engagé"),
            ("verse_centimes", CENTS, "versé"),
            ("disponible_centimes", CENTS, "disponible"),
            ("taux_engagement_pct", PCT, "taux d'engagement"),
        ):
            cells.append(
                b.add(
                    s,
                    f"Enveloppe {code} — {label}",
                    f"enveloppes[code_enveloppe={code}].{column}",
                    e[column],
                    unit,
                    "enveloppes",
                    column,
                    where=("national", code),  # the lineage route names an envelope by its code
                )
            )
        rows.append(cells)
        items.append(
            charts.Bar(
                f"{e['libelle_region'] or 'Nationale'} — {code}",
                e["taux_engagement_pct"] or 0,
                f"{cells[-1]} de {cells[3]}",
                0,
            )
        )
    programmes = []
    for r in f["financements"]:
        p = r["programme"]
        cells = [r["libelle_programme"]]
        for column, unit, label in (
            ("demandes_deposees", COUNT, "demandes déposées"),
            ("demandes_accordees", COUNT, "demandes accordées"),
            ("demandes_refusees", COUNT, "demandes refusées"),
            ("engage_centimes", CENTS, "engagé"),
            ("verse_centimes", CENTS, "versé"),
        ):
            cells.append(
                b.add(
                    s,
                    f"{r['libelle_programme']} — {label}",
                    f"financements[programme={p}].{column}",
                    r[column],
                    unit,
                    "financements",
                    column,
                    (("programme", p),),
                )
            )
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
            Table(
                "Enveloppes : plafond, engagé, versé, disponible",
                ["Enveloppe", "Programme", "Région", "Plafond", "Engagé", "Versé", "Disponible", "Engagé (%)"],
                rows,
                (3, 4, 5, 6, 7),
            ),
            Table(
                "Demandes et financements par programme",
                ["Programme", "Déposées", "Accordées", "Refusées", "Engagé", "Versé"],
                programmes,
                (1, 2, 3, 4, 5),
            ),
        ],
    )


def vte(b: Builder, f: dict[str, Any]) -> Section:
    s = "Volontariat territorial en entreprise (VTE)"
    v = f["vte_total"]
    totals = []
    for column, unit, label in (
        ("contrats_signes", COUNT, "Contrats signés"),
        ("contrats_verts", COUNT, "dont VTE vert"),
        ("aides_versees", COUNT, "Aides versées"),
        ("aide_totale_centimes", CENTS, "Aide versée (base + vert)"),
        ("aides_refusees", COUNT, "Aides refusées"),
    ):
        totals.append([label, b.add(s, f"VTE — {label}", f"vte_total.{column}", v[column], unit, "vte", column)])
    sizes, items = [], []
    for r in f["vte"]:
        size = r["taille_entreprise"] or ""
        name = r["libelle_taille_entreprise"]
        cells = [name]
        for column, unit, label in (
            ("contrats_signes", COUNT, "contrats signés"),
            ("aides_refusees", COUNT, "aides refusées"),
            ("aide_totale_centimes", CENTS, "aide versée"),
        ):
            cells.append(
                b.add(
                    s,
                    f"VTE {name} — {label}",
                    f"vte[taille_entreprise={size}].{column}",
                    r[column],
                    unit,
                    "vte",
                    column,
                    (("taille_entreprise", size),) if size else (),
                    traced=bool(size),  # a refused aid has no size: no dimension value names its row
                )
            )
        sizes.append(cells)
        items.append(charts.Bar(name, r["contrats_signes"] or 0, cells[1], 0))
    hidden = v["contrats_signes"] is None
    chart = charts.bars(items, [charts.Series("Contrats signés", "#000091")]) if items and not hidden else None
    return Section(
        s,
        intro=f"VTE par taille d'entreprise : {NON_PUBLIE} pour ce rôle." if hidden else "",
        chart=chart,
        chart_alt="Diagramme en barres : contrats VTE signés par taille d'entreprise, la valeur écrite au bout de"
        " chaque barre ; le tableau qui suit donne les mêmes chiffres.",
        chart_caption="Contrats VTE signés par taille d'entreprise.",
        tables=[
            Table("VTE : contrats et aides", ["Indicateur", "Valeur"], totals, (1,)),
            Table(
                "VTE par taille d'entreprise",
                ["Taille d'entreprise", "Contrats signés", "Aides refusées", "Aide versée"],
                sizes,
                (1, 2, 3),
            ),
        ],
    )
