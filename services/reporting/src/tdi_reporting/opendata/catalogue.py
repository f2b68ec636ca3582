"""The datasets of the open data: three lists (territories, their EPCI, their communes) and, at the levels of the
territory, the département and the region, the programme's totals, its funding by programme and its fiches actions
by category."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from tdi_reporting.domain import Level
from tdi_reporting.opendata import columns as c
from tdi_reporting.opendata import figures, lists
from tdi_reporting.opendata.schema import Column, Dataset, Kind, anchored_list
from tdi_reporting.opendata.store import Sources

LEVELS = {
    Level.TERRITORY: (
        "territoire",
        "par territoire",
        (c.CODE_TERRITOIRE, c.IDENTIFIANT_OFFICIEL, c.NOM_TERRITOIRE, c.CODES_REGIONS, c.CODES_DEPARTEMENTS),
        ("code_territoire",),
    ),
    Level.DEPARTEMENT: (
        "departement",
        "par département",
        (c.CODE_DEPARTEMENT, c.NOM_DEPARTEMENT, c.CODE_REGION, c.NOM_REGION),
        ("code_departement",),
    ),
    Level.REGION: ("region", "par région", (c.CODE_REGION, c.NOM_REGION), ("code_region",)),
}
"""Per level: the file names' word, the titles' words, the columns naming a zone, its key."""
SAME_ZONE = "Un territoire sur plusieurs départements ou régions compte dans chacun : ces lignes ne s'additionnent pas."
PUBLIC_ONLY = (
    "Seuls les chiffres publics y figurent : ni montant d'un dossier non décidé, ni coût de poste, ni montant d'aide "
    "VTE (des effectifs seulement)."
)


def _snapshot(build: Callable[..., list[dict[str, Any]]], *args: Any) -> Callable[[Sources], list[dict[str, Any]]]:
    def rows(sources: Sources) -> list[dict[str, Any]]:
        assert sources.snapshot is not None
        return build(sources.snapshot, *args)

    return rows


def _per_level(level: Level) -> list[Dataset]:
    word, words, zone, key = LEVELS[level]
    figures_columns = (*c.TERRITORY_FIGURES, *c.FUNDING_FIGURES, *c.VTE_FIGURES)
    funding = (c.CODE_PROGRAMME, c.NOM_PROGRAMME, *c.FUNDING_FIGURES)
    fiches = (c.CODE_AXE, c.NOM_AXE, c.CODE_CATEGORIE, c.NOM_CATEGORIE, c.FICHES_PAR_CATEGORIE)
    return [
        Dataset(
            f"chiffres-par-{word}",
            f"Territoires d'industrie : chiffres du programme {words}",
            f"Territoires, EPCI, binômes, chefs de projet, fiches actions, demandes d'aide, montants accordés, engagés "
            f"et versés, contrats VTE, {words}. {SAME_ZONE} {PUBLIC_ONLY}",
            (*zone, *figures_columns),
            key,
            _snapshot(figures.totals, level, figures_columns),
            models=frozenset({"territoires", "actions_axes", "financements", "vte"}),
        ),
        Dataset(
            f"financements-par-{word}",
            f"Territoires d'industrie : financements par programme, {words}",
            f"Demandes d'aide et montants accordés, engagés et versés de chaque programme, {words}. {SAME_ZONE} "
            f"{PUBLIC_ONLY}",
            (*zone, *funding),
            (*key, "code_programme"),
            _snapshot(figures.breakdown, level, "financements", ("programme",), funding),
            models=frozenset({"financements"}),
        ),
        Dataset(
            f"fiches-actions-par-{word}",
            f"Territoires d'industrie : fiches actions par catégorie, {words}",
            f"Fiches actions des plans d'action par axe et catégorie, {words} (une fiche compte dans chacune de ses "
            f"catégories). {SAME_ZONE}",
            (*zone, *fiches),
            (*key, "code_categorie"),
            _snapshot(figures.breakdown, level, "actions", ("axe", "categorie"), fiches),
            models=frozenset({"actions"}),
        ),
    ]


def _count(name: str, title: str, description: str) -> Column:
    return Column(name, Kind.COUNT, title, description, "2")


TERRITORIES = Dataset(
    "territoires",
    "Territoires d'industrie : territoires, régions, départements et EPCI",
    "Les Territoires d'industrie (Temps II, 2023-2027) que la plateforme connaît, labellisés ou non (colonne "
    "labellise), avec leurs régions, départements et EPCI membres.",
    (
        c.CODE_TERRITOIRE,
        c.IDENTIFIANT_OFFICIEL,
        c.NOM_TERRITOIRE,
        Column(
            "labellise", Kind.FLAG, "Labellisé", "true tant que le territoire a le label, false s'il l'a perdu.", "true"
        ),
        c.CODES_REGIONS,
        c.NOMS_REGIONS,
        c.CODES_DEPARTEMENTS,
        c.NOMS_DEPARTEMENTS,
        _count("nombre_epci", "EPCI", "Nombre d'EPCI membres."),
        Column(
            "sirens_epci",
            Kind.CODES,
            "SIREN des EPCI",
            "SIREN des EPCI membres, séparés par « ; » (vide tant qu'aucun n'est connu).",
            "200067213",
            pattern=anchored_list(c.SIREN),
            required=False,
        ),
        _count("nombre_communes", "Communes", "Communes du territoire connues de la plateforme."),
        _count("binomes", "Binômes", "Binômes élus-industriels en fonction."),
        _count("chefs_de_projet", "Chefs de projet", "Postes de chef de projet pourvus pour le territoire."),
        c.MIS_A_JOUR,
    ),
    ("code_territoire",),
    lists.territory_rows,
    updated="date_mise_a_jour",
)
EPCI = Dataset(
    "territoires-epci",
    "Territoires d'industrie : EPCI membres",
    "Une ligne par territoire et EPCI (intercommunalité) membre, identifié par son SIREN.",
    (
        c.CODE_TERRITOIRE,
        c.NOM_TERRITOIRE,
        c.SIREN_EPCI,
        _count("nombre_communes", "Communes", "Communes de l'EPCI connues de la plateforme dans le territoire."),
        c.MIS_A_JOUR,
    ),
    ("code_territoire", "siren_epci"),
    lists.epci_rows,
    updated="date_mise_a_jour",
)
COMMUNES = Dataset(
    "territoires-communes",
    "Territoires d'industrie : communes",
    "Une ligne par commune rattachée à un Territoire d'industrie, avec son département, sa région et son EPCI "
    "(code INSEE de la commune : le nom est dans le code officiel géographique).",
    (
        Column(
            "code_commune",
            Kind.CODE,
            "Code de la commune",
            "Code INSEE de la commune (5 caractères, texte).",
            "51454",
            pattern=c.COMMUNE,
        ),
        c.CODE_DEPARTEMENT,
        c.NOM_DEPARTEMENT,
        c.CODE_REGION,
        c.NOM_REGION,
        c.SIREN_EPCI,
        c.CODE_TERRITOIRE,
        Column(
            "nom_territoire",
            Kind.TEXT,
            "Nom du territoire",
            "Nom du territoire, vide s'il n'est pas encore connu.",
            "Grand Reims",
            required=False,
        ),
        Column(
            "date_rattachement",
            Kind.DAY,
            "Rattachement",
            "Date du rattachement de la commune au territoire.",
            "2024-01-15",
        ),
    ),
    ("code_commune",),
    lists.commune_rows,
    updated="date_rattachement",
)

DATASETS: dict[str, Dataset] = {
    d.slug: d for d in (TERRITORIES, EPCI, COMMUNES, *(d for level in LEVELS for d in _per_level(level)))
}
"""Every dataset by its slug (its address: `/donnees-ouvertes/<slug>.csv`)."""


def changed_since(dataset: Dataset, rows: list[dict[str, Any]], since: datetime) -> list[dict[str, Any]]:
    """The rows of a list changed at or after `since` (UTC): a territory (or its EPCI) by the instant of its last
    change; a commune by the day it was attached, the whole day of `since` included (windows overlap, so a reader
    that asks again from its last instant misses nothing). Removals show in the full file, not here."""
    assert dataset.updated is not None
    column = next(c for c in dataset.published if c.name == dataset.updated)
    instant = since.astimezone(UTC)
    threshold: date | datetime = instant.date() if column.kind is Kind.DAY else instant
    return [r for r in rows if r[column.name] is not None and r[column.name] >= threshold]
