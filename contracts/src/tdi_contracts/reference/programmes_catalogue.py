"""The programme catalogue: who operates and instructs each programme, what it funds, and its envelopes.

Figures come from the sources (`figures.py`); where the sources are silent the value is a **platform rule**,
marked as such here and in the funding service's README.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..money import eur
from .partners import Partner
from .programmes import Instrument, Programme, ValueChain
from .regions import Region


class ProjectType(StrEnum):
    """What a dossier funds; each programme accepts some of them (platform vocabulary)."""

    INVESTISSEMENT_INDUSTRIEL = "investissement-industriel"
    COMPETENCES = "competences"
    REDYNAMISATION = "redynamisation"
    INGENIERIE = "ingenierie"
    POSTE_CHEF_DE_PROJET = "poste-chef-de-projet"
    SITE_INDUSTRIEL = "site-industriel"


class IngenierieTheme(StrEnum):
    """The 4 themes of the ANCT engineering offer (missions of a few weeks to a few months)."""

    INNOVATION = "innovation"
    TRANSITION_ECOLOGIQUE = "transition-ecologique"
    FONCIER_INDUSTRIEL = "foncier-industriel"
    COMPETENCES = "competences"


class SiteCriterion(StrEnum):
    """Criteria of a site clé en main (not all required), from the press kit."""

    MAITRISE_FONCIERE = "maitrise-fonciere"
    ATTRACTIVITE_ECONOMIQUE = "attractivite-economique"
    ARTIFICIALISATION_LIMITEE = "artificialisation-limitee"
    RACCORDEMENT_RESEAUX = "raccordement-reseaux"
    ECOSYSTEME_DIFFERENCIANT = "ecosysteme-differenciant"
    COLLECTIVITES_MOBILISEES = "collectivites-mobilisees"


SITES_PER_REGION = (5, 10)
"""Sites clés en main: 5 to 10 sites proposed per region (objective 50 sites nationally)."""


class Declaration(StrEnum):
    """A fact the project holder declares in its dossier, which a programme's sources require (issue 24, A2)."""

    SUPPORTED_BY_LOCAL_AUTHORITIES = "supported_by_local_authorities"
    """P:541 « Ces projets, soutenus par les collectivités locales concernées, … »"""
    LINKED_TO_TERRITORY_STRATEGY = "linked_to_territory_strategy"
    """P:541 « … et s'inscrire en lien avec la stratégie industrielle des territoires »"""


STAFF_DECIDE = frozenset({"national", "regional", "instructor"})
"""Staff roles (HTTP) that decide on a programme's dossiers unless its rules say otherwise: national staff, the
regional prefecture of the dossier's region, the instructors of the programme (issue 14)."""


@dataclass(frozen=True)
class ProgrammeRules:
    """What a programme funds and who decides on it: said once here, read by `permissions` and the services.

    "Decide" is approve (commit), refuse, withdraw, reduce (de-commit) and pay. "Advise" is open the instruction,
    file on a project holder's behalf and record an opinion (avis) in the dossier's history; never decide."""

    programme: Programme | str
    """A programme of the catalogue, or the code of one a partner declared (issue 24, C2)."""
    deciders: frozenset[Partner]
    """Partners that operate the programme and decide on its dossiers through their ingress topic."""
    advisers: frozenset[Partner]
    """Partners that support the instruction (file, open the instruction, give an avis) and never decide."""
    requires_labelled_territory: bool
    project_types: frozenset[ProjectType]
    value_chain_examples: frozenset[ValueChain]
    """Shown, never a gate: the sources list the Fonds vert chains « à titre d'exemple » (P:551)."""
    instruments: frozenset[Instrument]
    within_eligible_cost: bool = True
    """Platform rule: the amount asked never exceeds the eligible cost (the sources give no rate)."""
    required_declarations: frozenset[Declaration] = frozenset()
    """Facts the dossier must declare true to be eligible (Fonds vert: P:541)."""
    deciding_roles: frozenset[str] = STAFF_DECIDE
    """Staff roles that decide (each within its own scope: a regional role its region, an instructor its programme)."""
    advising_roles: frozenset[str] = frozenset()
    """Staff roles that advise (record an avis, open the instruction) and never decide."""
    yearly: bool = False
    """Envelopes and decisions are per year (P:75 « pour l'année 2024 », P:472-475 « par an »)."""

    declared_label: str | None = None
    """The French name a partner gave the programme it declared (a catalogue programme has its own)."""

    @property
    def code(self) -> str:
        return str(self.programme)

    @property
    def label(self) -> str:
        if self.declared_label is not None or not isinstance(self.programme, Programme):
            return self.declared_label or str(self.programme)
        return self.programme.label


_SUB, _AVANCE = Instrument.SUBVENTION, Instrument.AVANCE_REMBOURSABLE
_P = ProjectType
_NONE: frozenset[Partner] = frozenset()

CATALOGUE: dict[Programme, ProgrammeRules] = {
    Programme(r.programme): r
    for r in (
        ProgrammeRules(
            Programme.FONDS_VERT_TI,
            # P:547 « géré de manière déconcentrée par les Préfectures de région avec l'appui de l'ADEME et en
            # concertation avec les Conseils régionaux »: the prefecture decides, ADEME and the Région advise.
            deciders=_NONE,
            advisers=frozenset({Partner.ADEME}),
            requires_labelled_territory=True,
            project_types=frozenset({_P.INVESTISSEMENT_INDUSTRIEL, _P.COMPETENCES, _P.REDYNAMISATION}),
            value_chain_examples=frozenset(ValueChain),
            instruments=frozenset({_SUB}),
            required_declarations=frozenset(Declaration),
            deciding_roles=frozenset({"regional", "national"}),
            advising_roles=frozenset({"instructor", "region-council"}),
            yearly=True,
        ),
        ProgrammeRules(
            Programme.REBOND_INDUSTRIEL_INGENIERIE,
            deciders=_NONE,
            advisers=_NONE,
            requires_labelled_territory=True,
            project_types=frozenset({_P.INGENIERIE, _P.REDYNAMISATION}),
            value_chain_examples=frozenset(),
            instruments=frozenset({_SUB}),
        ),
        ProgrammeRules(
            Programme.REBOND_INDUSTRIEL_INVESTISSEMENT,
            deciders=frozenset({Partner.BPIFRANCE}),  # P:730 Bpifrance « opère le volet investissement »
            advisers=_NONE,
            requires_labelled_territory=True,
            project_types=frozenset({_P.INVESTISSEMENT_INDUSTRIEL, _P.REDYNAMISATION}),
            value_chain_examples=frozenset(),
            instruments=frozenset({_SUB, _AVANCE}),
        ),
        ProgrammeRules(
            Programme.CHEF_DE_PROJET,
            deciders=_NONE,
            advisers=_NONE,
            requires_labelled_territory=True,
            project_types=frozenset({_P.POSTE_CHEF_DE_PROJET}),
            value_chain_examples=frozenset(),
            instruments=frozenset({_SUB}),
            yearly=True,  # P:472-475 « par an », « renouvelé annuellement »
        ),
        ProgrammeRules(
            Programme.INGENIERIE_ANCT,
            deciders=_NONE,
            advisers=_NONE,
            requires_labelled_territory=True,
            project_types=frozenset({_P.INGENIERIE}),
            value_chain_examples=frozenset(),
            instruments=frozenset({_SUB}),
        ),
        ProgrammeRules(
            Programme.SITES_CLES_EN_MAIN,
            deciders=frozenset({Partner.BANQUE_DES_TERRITOIRES}),
            advisers=_NONE,
            requires_labelled_territory=False,  # the scheme is open beyond labelled territories
            project_types=frozenset({_P.SITE_INDUSTRIEL, _P.INGENIERIE}),
            value_chain_examples=frozenset(),
            instruments=frozenset({_SUB, Instrument.PRET, Instrument.FONDS_PROPRES}),
        ),
        ProgrammeRules(
            Programme.VTE,
            deciders=frozenset({Partner.BPIFRANCE}),
            advisers=_NONE,
            requires_labelled_territory=True,
            project_types=frozenset({_P.COMPETENCES}),
            value_chain_examples=frozenset(),
            instruments=frozenset({_SUB}),
        ),
    )
}
"""One entry per programme of the contracts' `Programme` list."""


FONDS_VERT_2024_TOTAL = eur(100_000_000)
"""P:75 « une enveloppe de 100 millions d'euros du Fonds vert pour l'année 2024 »; P:533 « 100M€ … dès 2024 »."""
FONDS_VERT_2024_GRAND_EST = eur(7_900_000)
"""M:274 « 7,9 millions d'euros en 2024 pour la région Grand Est ». The 17 other regional shares: non publié."""
FONDS_VERT_2024 = "fonds-vert-ti-2024"
"""The national 2024 Fonds vert envelope, which holds the regional ones (their ceilings never add up to more)."""
FONDS_VERT_FILING_FROM = date(2024, 1, 1)
"""P:545 « Les demandes d'aides peuvent être déposées au fil de l'eau … à compter de janvier 2024 »."""


class CeilingProvenance(StrEnum):
    """Where an envelope's ceiling comes from; an envelope without one has no ceiling (« plafond non publié »)."""

    SOURCES = "sources"
    """Published in the programme's source documents (quoted in `source`)."""
    STAFF = "staff"
    """Set by programme staff by command (a decision the sources do not publish)."""
    SYNTHETIC = "synthetic"
    """Set for the demonstration: not a real ceiling (« plafond fictif (démonstration) »)."""


@dataclass(frozen=True)
class EnvelopeSeed:
    """An envelope the platform opens at first start (or staff open): id, programme, ceiling where published (None:
    « plafond non publié » until staff set it), scope, operator, the envelope holding it, filing dates."""

    envelope_id: str
    programme: Programme | str
    ceiling_cents: int | None
    region: Region | None = None
    year: int | None = None
    operator: Partner | None = None
    provenance: CeilingProvenance | None = None
    source: str | None = None
    parent_id: str | None = None
    files_from: date | None = None
    files_until: date | None = None


def regional_envelope_id(programme: Programme, year: int, region: Region) -> str:
    """The id of a programme's regional envelope of a year (`fonds-vert-ti-2024-r44`): the catalogue's and the
    Démarches simplifiées door's (`[options] envelope = "by-region"`)."""
    return f"{programme.value}-{year}-r{region.value}"


def _seeds() -> tuple[EnvelopeSeed, ...]:
    fv, sources = Programme.FONDS_VERT_TI, CeilingProvenance.SOURCES
    national = EnvelopeSeed(
        FONDS_VERT_2024, fv, FONDS_VERT_2024_TOTAL, year=2024, provenance=sources,
        source="Dossier de presse du 9 novembre 2023 : « 100 millions d'euros du Fonds vert pour l'année 2024 »",
        files_from=FONDS_VERT_FILING_FROM,
    )  # fmt: skip
    regional = tuple(
        EnvelopeSeed(
            regional_envelope_id(fv, 2024, r),
            fv,
            FONDS_VERT_2024_GRAND_EST if r is Region.GRAND_EST else None,
            region=r,
            year=2024,
            provenance=sources if r is Region.GRAND_EST else None,
            source="Présentation de la Marne : « 7,9 millions d'euros en 2024 pour la région Grand Est »"
            if r is Region.GRAND_EST
            else None,
            parent_id=FONDS_VERT_2024,
            files_from=FONDS_VERT_FILING_FROM,
        )
        for r in sorted(Region, key=lambda r: r.value)
    )
    rebond = (
        EnvelopeSeed(
            "rebond-industriel-ingenierie", Programme.REBOND_INDUSTRIEL_INGENIERIE, eur(10_000_000),
            provenance=sources, source="Dossier de presse : AMI Rebond industriel, 10 M€ d'ingénierie",
        ),
        EnvelopeSeed(
            "rebond-industriel-investissement", Programme.REBOND_INDUSTRIEL_INVESTISSEMENT, eur(90_000_000),
            operator=Partner.BPIFRANCE, provenance=sources,
            source="Dossier de presse : AMI Rebond industriel, 90 M€ de subventions et avances remboursables",
        ),
        # Banque des Territoires: 450 M€ to pre-develop sites clés en main (P:714).
        EnvelopeSeed(
            "bdt-sites-cles-en-main-predeveloppement", Programme.SITES_CLES_EN_MAIN, eur(450_000_000),
            operator=Partner.BANQUE_DES_TERRITOIRES, provenance=sources,
            source="Dossier de presse : 450 M€ pour le pré-aménagement des sites clés en main France 2030",
        ),
    )  # fmt: skip
    return (national, *regional, *rebond)


ENVELOPE_SEEDS: tuple[EnvelopeSeed, ...] = _seeds()
"""The envelopes the sources publish, and the 17 regional Fonds vert envelopes whose ceiling is not published."""


@dataclass(frozen=True)
class DeclaredProgrammeSeed:
    """A programme beside the catalogue that the platform declares at first start for the partner operating it."""

    programme: str
    label: str
    operator: Partner
    instruments: frozenset[Instrument]
    project_types: frozenset[ProjectType]
    labelled_territories_only: bool = True


BDT_DECARBONATION = "bdt-decarbonation-industrielle"
DECLARED_PROGRAMMES: tuple[DeclaredProgrammeSeed, ...] = (
    # P:711 « La Banque des Territoires déploie plus d'1 Md€ sur les 5 prochaines années »; P:713 « L'accompagnement
    # ad-hoc des industriels, en vue d'une industrie décarbonée (à hauteur de 600 M€) ». Instruments and the project
    # types are the platform's reading (Banque des Territoires lends and invests); only labelled territories: a
    # platform rule (the line is part of the programme's offer), the partner may declare otherwise.
    DeclaredProgrammeSeed(
        BDT_DECARBONATION,
        "Banque des Territoires : accompagnement des industriels vers une industrie décarbonée",
        Partner.BANQUE_DES_TERRITOIRES,
        frozenset({Instrument.PRET, Instrument.FONDS_PROPRES}),
        frozenset({ProjectType.INVESTISSEMENT_INDUSTRIEL}),
    ),
)
DECLARED_ENVELOPE_SEEDS: tuple[EnvelopeSeed, ...] = (
    EnvelopeSeed(
        BDT_DECARBONATION, BDT_DECARBONATION, eur(600_000_000), operator=Partner.BANQUE_DES_TERRITOIRES,
        provenance=CeilingProvenance.SOURCES,
        source="Dossier de presse : « L'accompagnement ad-hoc des industriels, en vue d'une industrie décarbonée"
        " (à hauteur de 600 M€) » (2023-2027, répartition par année non publiée)",
    ),
)  # fmt: skip
"""The envelopes of the declared programmes (opened after them)."""


def declared_rules(seed: DeclaredProgrammeSeed) -> ProgrammeRules:
    """A declared programme's rules: its operator decides, State staff too; no adviser; not yearly."""
    return ProgrammeRules(
        seed.programme,
        deciders=frozenset({seed.operator}),
        advisers=_NONE,
        requires_labelled_territory=seed.labelled_territories_only,
        project_types=seed.project_types,
        value_chain_examples=frozenset(),
        instruments=seed.instruments,
        declared_label=seed.label,
    )


PARTNER_LINES: dict[str, tuple[Partner, int]] = {
    "bdt-decarbonation-industrielle": (Partner.BANQUE_DES_TERRITOIRES, eur(600_000_000)),
    "bdt-sites-cles-en-main-predeveloppement": (Partner.BANQUE_DES_TERRITOIRES, eur(450_000_000)),
}
"""Banque des Territoires' lines (> 1 Md€ over 5 years): 600 M€ decarbonisation, 450 M€ site pre-development."""
