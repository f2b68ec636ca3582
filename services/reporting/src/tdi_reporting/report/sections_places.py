"""Sections of the report about places and plans: key figures and the territories of the zone, the map, the 4 axes
and 12 categories of the fiches actions."""

from __future__ import annotations

from typing import Any

from tdi_reporting.report import charts
from tdi_reporting.report.document import CENTS, COUNT, STATUSES, Builder, Section, Table
from tdi_reporting.report.french import count


def key_figures(b: Builder, f: dict[str, Any], *, national: bool) -> Section:
    s = "Chiffres clés"
    t, ft, v = f["territoires"], f["financements_total"], f["vte_total"]
    rows = [
        (
            "Territoires labellisés",
            "territoires.territoires_labellises",
            t["territoires_labellises"],
            COUNT,
            "territoires",
        ),
        ("EPCI", "territoires.epci", t["epci"], COUNT, "territoires"),
        ("Binômes élus-industriels", "territoires.binomes", t["binomes"], COUNT, "territoires"),
        ("Chefs de projet en poste", "territoires.chefs_de_projet", t["chefs_de_projet"], COUNT, "territoires"),
        (
            "Territoires sans chef de projet",
            "territoires.territoires_sans_chef_de_projet",
            t["territoires_sans_chef_de_projet"],
            COUNT,
            "territoires",
        ),
        ("Fiches actions", "fiches_actions", f["fiches_actions"], COUNT, "actions_axes"),
        (
            "Demandes de financement déposées",
            "financements_total.demandes_deposees",
            ft["demandes_deposees"],
            COUNT,
            "financements",
        ),
        (
            "Demandes accordées",
            "financements_total.demandes_accordees",
            ft["demandes_accordees"],
            COUNT,
            "financements",
        ),
        ("Montants engagés", "financements_total.engage_centimes", ft["engage_centimes"], CENTS, "financements"),
        ("Montants versés", "financements_total.verse_centimes", ft["verse_centimes"], CENTS, "financements"),
        ("Contrats VTE signés", "vte_total.contrats_signes", v["contrats_signes"], COUNT, "vte"),
    ]
    table = Table("Chiffres clés du périmètre", ["Indicateur", "Valeur", "Référence de lignée"], [], (1,))
    for label, key, value, unit, rm in rows:
        shown = b.add(s, label, key, value, unit, rm, key.rsplit(".", 1)[-1])
        table.rows.append([label, shown, b.ref(label)])
    intro = ""
    if national and (t["territoires_labellises"] or 0) < f["territoires_annonces"]:
        intro = (
            f"Le programme compte {f['territoires_annonces']} territoires lauréats ;"
            f" {count(t['territoires_labellises'])} sont connus de la plateforme. Un territoire de la liste officielle"
            f" ne figure pas dans l'annexe du dossier de presse ({f['territoires_annexe']} territoires) :"
            " il sera compté dès qu'il aura été saisi."
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


def france(b: Builder, f: dict[str, Any], map_data: dict[str, Any], level: str, zone: str) -> Section:
    s = "Carte des territoires"
    per_dep: dict[str, dict[str, int]] = f["carte"]["departements"]
    in_zone = _departements_of_zone(f, level, zone)
    svg, classes = charts.france_map(
        map_data, {d: (v.get("territoires_labellises") or 0) for d, v in per_dep.items()}, in_zone
    )
    table = Table(
        "Par département du périmètre : territoires, fiches actions, montants engagés, contrats VTE",
        ["Département", "Territoires labellisés", "Fiches actions", "Montants engagés", "Contrats VTE"],
        [],
        (1, 2, 3, 4),
    )
    for code, name in sorted(in_zone.items()):
        cells = [f"{name} ({code})"]
        for figure, unit, label in (
            ("territoires_labellises", COUNT, "Territoires labellisés"),
            ("fiches_actions", COUNT, "Fiches actions"),
            ("engage_centimes", CENTS, "Montants engagés"),
            ("contrats_vte", COUNT, "Contrats VTE signés"),
        ):
            value = per_dep.get(code, {}).get(figure, 0) if _published(f, figure) else None
            rm, measure = charts.MAP_FIGURES[figure]
            cells.append(
                b.add(
                    s,
                    f"{label} — {name} ({code})",
                    f"carte.departements.{code}.{figure}",
                    value,
                    unit,
                    rm,
                    measure,
                    where=("departement", code),
                )
            )
        table.rows.append(cells)
    alt = (
        "Carte des départements de France, chacun coloré selon son nombre de territoires labellisés (légende sous la"
        f" carte) ; les départements du périmètre ({', '.join(sorted(in_zone)) or 'aucun'}) sont hachurés et"
        " cerclés de noir. Le tableau qui suit donne chaque valeur."
    )
    caption = "Territoires labellisés par département ; " + "; ".join(classes) + ". Périmètre hachuré."
    return Section(s, chart=svg, chart_alt=alt, chart_caption=caption, tables=[table])


def _published(f: dict[str, Any], figure: str) -> bool:
    total = {
        "territoires_labellises": f["territoires"]["territoires_labellises"],
        "fiches_actions": f["fiches_actions"],
        "engage_centimes": f["financements_total"]["engage_centimes"],
        "contrats_vte": f["vte_total"]["contrats_signes"],
    }[figure]
    return total is not None


def _departements_of_zone(f: dict[str, Any], level: str, zone: str) -> dict[str, str]:
    from tdi_contracts.reference import Departement
    from tdi_reporting.domain import departement_label, region_of_departement

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


def axes(b: Builder, f: dict[str, Any], axes: list[dict[str, Any]]) -> Section:
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
        shown = b.add(
            s,
            label,
            f"actions_par_axe[axe={r['axe']}].fiches_actions",
            r["fiches_actions"],
            COUNT,
            "actions_axes",
            "fiches_actions",
            (("axe", r["axe"]),),
        )
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
            ),
            Table(
                "Fiches actions par axe (une action comptée une fois par axe)",
                ["Axe", "Fiches actions"],
                axis_rows,
                (1,),
            ),
        ],
    )
