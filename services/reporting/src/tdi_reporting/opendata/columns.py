"""The columns of the open-data files, with their French titles and descriptions. Code patterns are the contracts'
(one rule for an INSEE or SIREN code on the whole platform); a figure's column names the read-model column it comes
from, so `visibility.py` decides whether the public gets it (`Dataset.published`)."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import StringConstraints

from tdi_contracts.ids import (
    OFFICIAL_TERRITORY_ID_PATTERN,
    REFERENCE_TERRITORY_ID_PATTERN,
    DepartementCode,
    InseeCommune,
    RegionCode,
    Siren,
)
from tdi_contracts.reference import Axis, Category, Programme
from tdi_reporting.opendata.schema import Column, Kind, anchored_list


def pattern_of(annotated: Any) -> str:
    """The pattern of a contracts' code type (`RegionCode`, `Siren`…)."""
    for meta in typing.get_args(annotated)[1:]:
        if isinstance(meta, StringConstraints) and meta.pattern:
            return str(meta.pattern)
    raise LookupError(annotated)


REGION, DEPARTEMENT = pattern_of(RegionCode), pattern_of(DepartementCode)
COMMUNE, SIREN = pattern_of(InseeCommune), pattern_of(Siren)
ZONE = "Un territoire sur plusieurs départements ou régions compte dans chacun d'eux."

CODE_TERRITOIRE = Column(
    "code_territoire",
    Kind.CODE,
    "Code du territoire",
    "Identifiant stable du Territoire d'industrie sur la plateforme : tdi-<code INSEE de sa région>-<nom>.",
    "tdi-44-grand-reims",
    pattern=REFERENCE_TERRITORY_ID_PATTERN,
)
IDENTIFIANT_OFFICIEL = Column(
    "identifiant_officiel",
    Kind.CODE,
    "Identifiant officiel",
    "Identifiant du territoire dans les données ouvertes nationales du programme (ti-…), vide s'il n'est pas connu.",
    "ti-8413",
    pattern=OFFICIAL_TERRITORY_ID_PATTERN,
    required=False,
)
NOM_TERRITOIRE = Column(
    "nom_territoire", Kind.TEXT, "Nom du territoire", "Nom officiel du Territoire d'industrie.", "Grand Reims"
)
CODES_REGIONS = Column(
    "codes_regions",
    Kind.CODES,
    "Codes des régions",
    "Codes INSEE des régions du territoire, séparés par « ; ».",
    "44",
    pattern=anchored_list(REGION),
)
NOMS_REGIONS = Column(
    "noms_regions", Kind.TEXT, "Régions", "Noms des régions du territoire, séparés par « ; ».", "Grand Est"
)
CODES_DEPARTEMENTS = Column(
    "codes_departements",
    Kind.CODES,
    "Codes des départements",
    "Codes INSEE des départements du territoire (texte : 01, 2A, 971), séparés par « ; ».",
    "51",
    pattern=anchored_list(DEPARTEMENT),
)
NOMS_DEPARTEMENTS = Column(
    "noms_departements", Kind.TEXT, "Départements", "Noms des départements du territoire, séparés par « ; ».", "Marne"
)
CODE_REGION = Column("code_region", Kind.CODE, "Code de la région", "Code INSEE de la région.", "44", pattern=REGION)
NOM_REGION = Column("nom_region", Kind.TEXT, "Région", "Nom de la région.", "Grand Est")
CODE_DEPARTEMENT = Column(
    "code_departement",
    Kind.CODE,
    "Code du département",
    "Code INSEE du département, en texte (01, 2A, 971).",
    "51",
    pattern=DEPARTEMENT,
)
NOM_DEPARTEMENT = Column("nom_departement", Kind.TEXT, "Département", "Nom du département.", "Marne")
SIREN_EPCI = Column(
    "siren_epci",
    Kind.CODE,
    "SIREN de l'EPCI",
    "Numéro SIREN de l'EPCI (intercommunalité), 9 chiffres en texte.",
    "200067213",
    pattern=SIREN,
)
MIS_A_JOUR = Column(
    "date_mise_a_jour",
    Kind.INSTANT,
    "Mise à jour",
    "Instant (UTC) du dernier changement du territoire : périmètre, label, binômes, chefs de projet.",
    "2024-01-02T00:00:00Z",
)


def count(name: str, title: str, description: str, source: tuple[str, str] | None = None) -> Column:
    return Column(name, Kind.COUNT, title, description, "3", source=source)


def euros(name: str, title: str, description: str, source: tuple[str, str]) -> Column:
    return Column(name, Kind.EUROS, title, f"{description} En euros, point décimal.", "1250000.50", source=source)


TERRITORY_FIGURES = (
    count(
        "territoires_labellises",
        "Territoires labellisés",
        f"Territoires d'industrie labellisés. {ZONE}",
        ("territoires", "territoires_labellises"),
    ),
    count("epci", "EPCI", "EPCI membres des territoires, chacun compté une fois (par SIREN).", ("territoires", "epci")),
    count("binomes", "Binômes", "Binômes élus-industriels en fonction.", ("territoires", "binomes")),
    count(
        "binomes_synthetiques",
        "dont binômes de démonstration",
        "Binômes en fonction qui sont des données de démonstration (synthétiques).",
        ("territoires", "binomes_synthetiques"),
    ),
    count(
        "chefs_de_projet",
        "Chefs de projet",
        "Postes de chef de projet pourvus (un poste partagé compte une fois).",
        ("territoires", "chefs_de_projet"),
    ),
    count(
        "territoires_sans_chef_de_projet",
        "Territoires sans chef de projet",
        "Territoires labellisés sans poste de chef de projet pourvu.",
        ("territoires", "territoires_sans_chef_de_projet"),
    ),
    count(
        "fiches_actions",
        "Fiches actions",
        "Fiches actions des plans d'action, chacune comptée une fois.",
        ("actions_axes", "fiches_actions"),
    ),
    count(
        "fiches_actions_synthetiques",
        "dont fiches de démonstration",
        "Fiches actions qui sont des données de démonstration (synthétiques).",
        ("actions_axes", "fiches_synthetiques"),
    ),
)
FUNDING_FIGURES = (
    count(
        "demandes_deposees",
        "Demandes déposées",
        "Dossiers de demande d'aide déposés.",
        ("financements", "demandes_deposees"),
    ),
    count(
        "demandes_en_instruction",
        "Demandes en instruction",
        "Dossiers déposés pas encore décidés.",
        ("financements", "demandes_en_instruction"),
    ),
    count("demandes_accordees", "Demandes accordées", "Dossiers accordés.", ("financements", "demandes_accordees")),
    count("demandes_refusees", "Demandes refusées", "Dossiers refusés.", ("financements", "demandes_refusees")),
    count(
        "demandes_retirees",
        "Demandes retirées",
        "Dossiers retirés par le porteur ou classés sans suite.",
        ("financements", "demandes_retirees"),
    ),
    count(
        "demandes_synthetiques",
        "dont demandes de démonstration",
        "Dossiers qui sont des données de démonstration (synthétiques).",
        ("financements", "demandes_synthetiques"),
    ),
    euros(
        "montant_demande_euros",
        "Montant demandé",
        "Aide demandée par les dossiers, décidés ou non.",
        ("financements", "montant_demande_centimes"),
    ),
    euros(
        "montant_accorde_euros",
        "Montant accordé",
        "Aide accordée par les décisions (dossiers accordés).",
        ("financements", "montant_accorde_centimes"),
    ),
    euros(
        "engage_euros", "Montant engagé", "Montant engagé, net des désengagements.", ("financements", "engage_centimes")
    ),
    euros("verse_euros", "Montant versé", "Montant versé aux bénéficiaires.", ("financements", "verse_centimes")),
    euros(
        "investissement_prevu_euros",
        "Investissement prévu",
        "Investissement prévu par les dossiers.",
        ("financements", "investissement_prevu_centimes"),
    ),
    count("emplois_prevus", "Emplois prévus", "Emplois prévus par les dossiers.", ("financements", "emplois_prevus")),
)
VTE_FIGURES = (
    count(
        "contrats_vte_signes",
        "Contrats VTE",
        "Contrats de volontariat territorial en entreprise signés ou aidés.",
        ("vte", "contrats_signes"),
    ),
    count(
        "contrats_vte_verts",
        "dont VTE verts",
        "Contrats VTE de missions de transition écologique (« VTE vert »).",
        ("vte", "contrats_verts"),
    ),
    count(
        "contrats_vte_termines",
        "Contrats VTE terminés",
        "Contrats VTE arrivés à leur terme.",
        ("vte", "contrats_termines"),
    ),
    count("aides_vte_refusees", "Aides VTE refusées", "Demandes d'aide VTE refusées.", ("vte", "aides_refusees")),
    count("aides_vte_versees", "Aides VTE versées", "Contrats VTE dont l'aide a été versée.", ("vte", "aides_versees")),
    count(
        "aides_logement_vte",
        "Aides au logement",
        "Aides au logement d'Action Logement liées à un VTE.",
        ("vte", "aides_logement"),
    ),
    count(
        "contrats_vte_synthetiques",
        "dont VTE de démonstration",
        "Contrats VTE qui sont des données de démonstration (synthétiques).",
        ("vte", "contrats_synthetiques"),
    ),
    euros(
        "aide_vte_base_versee_euros", "Aide VTE de base versée", "Aide de base versée.", ("vte", "aide_base_centimes")
    ),
    euros(
        "aide_vte_verte_versee_euros",
        "Aide VTE verte versée",
        "Aide « VTE vert » versée.",
        ("vte", "aide_verte_centimes"),
    ),
    euros("aide_vte_versee_euros", "Aide VTE versée", "Aide VTE versée en tout.", ("vte", "aide_totale_centimes")),
    euros(
        "aide_vte_base_accordee_euros",
        "Aide VTE de base accordée",
        "Aide de base accordée.",
        ("vte", "aide_base_accordee_centimes"),
    ),
    euros(
        "aide_vte_verte_accordee_euros",
        "Aide VTE verte accordée",
        "Aide « VTE vert » accordée.",
        ("vte", "aide_verte_accordee_centimes"),
    ),
    euros(
        "aide_vte_demandee_euros",
        "Aide VTE demandée",
        "Aide demandée aux financeurs.",
        ("vte", "aide_demandee_centimes"),
    ),
    euros(
        "aide_logement_vte_euros",
        "Aide au logement versée",
        "Aide au logement d'Action Logement.",
        ("vte", "aide_logement_centimes"),
    ),
)
"""Every figure column of the read models the files draw on, public or not: `Dataset.published` asks the
visibility rule which the public gets (today: no undecided amount, no VTE aid amount)."""

CODE_PROGRAMME = Column(
    "code_programme",
    Kind.CODE,
    "Code du programme",
    "Programme (ligne de financement).",
    "fonds-vert-ti",
    enum=tuple(p.value for p in Programme),
)
NOM_PROGRAMME = Column("libelle_programme", Kind.TEXT, "Programme", "Nom du programme.", Programme.FONDS_VERT_TI.label)
CODE_AXE = Column(
    "code_axe", Kind.CODE, "Code de l'axe", "Axe des plans d'action.", "innovation", enum=tuple(a.value for a in Axis)
)
NOM_AXE = Column("libelle_axe", Kind.TEXT, "Axe", "Nom de l'axe.", "Innovation")
CODE_CATEGORIE = Column(
    "code_categorie",
    Kind.CODE,
    "Code de la catégorie",
    "Catégorie d'action.",
    "numerique",
    enum=tuple(c.value for c in Category),
)
NOM_CATEGORIE = Column("libelle_categorie", Kind.TEXT, "Catégorie", "Nom de la catégorie.", Category.NUMERIQUE.label)
FICHES_PAR_CATEGORIE = count(
    "fiches_actions",
    "Fiches actions",
    "Fiches actions de la catégorie (une fiche compte dans chacune de ses catégories).",
    ("actions", "fiches_actions"),
)
