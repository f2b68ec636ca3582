"""The read models: which facts, grouped by which dimensions, give which figures (pure; names are the stable
column names of the exports, documented in the README)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tdi_contracts.reference import Axis, Category, Programme
from tdi_contracts.reference.labels import UNKNOWN_SIZE, FicheStatus, capitalised
from tdi_reporting.domain import Measure

FICHE_STATUSES = {s.value: capitalised(s.label) for s in FicheStatus}
"""The actions service's status codes and the contracts' French words (`tdi_contracts.reference.labels`)."""
COMPANY_SIZES = {"tpe": "TPE", "pme": "PME", "eti": "ETI", "grande-entreprise": "Grande entreprise", None: UNKNOWN_SIZE}
"""A refused VTE aid carries no company size: its row says so rather than a blank label."""


@dataclass(frozen=True)
class ReadModel:
    """One read model: its facts' dimensions and measures."""

    name: str
    title: str
    dims: tuple[str, ...]
    measures: tuple[Measure, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        labels = tuple(f"libelle_{d}" for d in self.dims if d in LABELS)
        return ("niveau", "code_zone", "libelle_zone", *self.dims, *labels, *(m.name for m in self.measures))


def _sums(*names: str) -> tuple[Measure, ...]:
    return tuple(Measure(n, "sum", n) for n in names)


READ_MODELS: dict[str, ReadModel] = {
    m.name: m
    for m in (
        ReadModel(
            "territoires",
            "Territoires labellisés, EPCI, binômes et chefs de projet",
            (),
            (
                Measure("territoires_labellises", "count"),
                Measure("epci", "distinct", "epci"),
                Measure("binomes", "sum", "binomes"),
                Measure("binomes_synthetiques", "sum", "binomes_synthetiques"),
                Measure("chefs_de_projet", "distinct", "chefs_de_projet"),
                Measure("territoires_sans_chef_de_projet", "count", "sans_chef_de_projet"),
            ),
        ),
        ReadModel(
            "actions",
            "Fiches actions par axe, catégorie et statut",
            ("axe", "categorie", "statut"),
            (Measure("fiches_actions", "count"),),
        ),
        ReadModel(
            "actions_axes",
            "Fiches actions par axe (une action comptée une fois par axe)",
            ("axe",),
            (
                Measure("fiches_actions", "distinct", "fiche"),
                Measure("fiches_synthetiques", "distinct", "fiche_synthetique"),
            ),
        ),
        ReadModel(
            "financements",
            "Financements par programme : demandes, engagements, versements",
            ("programme",),
            _sums(
                "demandes_deposees",
                "demandes_en_instruction",
                "demandes_accordees",
                "demandes_refusees",
                "demandes_retirees",
                "montant_demande_centimes",
                "montant_accorde_centimes",
                "engage_centimes",
                "verse_centimes",
                "investissement_prevu_centimes",
                "emplois_prevus",
                "demandes_synthetiques",
            ),
        ),
        ReadModel(
            "vte",
            "Volontariat territorial en entreprise : contrats et aides par taille d'entreprise",
            ("taille_entreprise",),
            _sums(
                "contrats_signes",
                "contrats_verts",
                "contrats_termines",
                "aides_refusees",
                "aides_versees",
                "aide_base_centimes",
                "aide_verte_centimes",
                "aide_totale_centimes",
                "aide_base_accordee_centimes",
                "aide_verte_accordee_centimes",
                "aide_demandee_centimes",
                "aides_logement",
                "aide_logement_centimes",
                "contrats_synthetiques",
            ),
        ),
    )
}
ENVELOPE_COLUMNS = (
    "code_enveloppe",
    "programme",
    "libelle_programme",
    "code_region",
    "libelle_region",
    "annee",
    "plafond_centimes",
    "plafond_libelle",
    "engage_centimes",
    "verse_centimes",
    "reparti_centimes",
    "disponible_centimes",
    "taux_engagement_pct",
    "cloturee",
)
FICHE_COLUMNS = (
    "territoire",
    "libelle_territoire",
    "code_fiche",
    "reference",
    "titre",
    "maturite",
    "type_porteur",
    "porteur",
    "partenaires",
    "categories",
    "budget_centimes",
    "emplois_attendus",
    "investissement_centimes",
    "statut",
    "libelle_statut",
    "date_statut",
    "synthetique",
)
"""One row per fiche action, in the columns the actions service's import reads (so an export imports back)."""
LABELS: dict[str, Mapping[Any, str]] = {
    "axe": {a.value: a.label for a in Axis},
    "categorie": {c.value: c.label for c in Category},
    "statut": FICHE_STATUSES,
    "programme": {p.value: p.label for p in Programme},
    "taille_entreprise": COMPANY_SIZES,
}


def with_labels(rows: list[dict[str, Any]], model: ReadModel) -> list[dict[str, Any]]:
    """Each coded dimension gets its French label beside it, columns in the documented order."""
    out = []
    for row in rows:
        for d in model.dims:
            if d in LABELS:
                row[f"libelle_{d}"] = LABELS[d].get(row[d], row[d])
        out.append({c: row.get(c) for c in model.columns})
    return out
