"""The programme catalogue: who operates and instructs each programme, what it funds, and its envelopes.

Figures come from the sources (`figures.py`); where the sources are silent the value is a **platform rule**,
marked as such here and in the funding service's README.
"""

from dataclasses import dataclass
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

    programme: Programme
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

    @property
    def code(self) -> str:
        return self.programme.value

    @property
    def label(self) -> str:
        return self.programme.label


_SUB, _AVANCE = Instrument.SUBVENTION, Instrument.AVANCE_REMBOURSABLE
_P = ProjectType
_NONE: frozenset[Partner] = frozenset()

CATALOGUE: dict[Programme, ProgrammeRules] = {
    r.programme: r
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
FONDS_VERT_2024_GRAND_EST = eur(7_900_000)


def _fonds_vert_2024_shares() -> dict[Region, int]:
    # Platform rule: only Grand Est's share is published; the rest is split equally between the 17 other
    # regions, the cent remainder going one cent each to the lowest region codes, so the sum is exactly 100 M€.
    others = sorted((r for r in Region if r is not Region.GRAND_EST), key=lambda r: r.value)
    rest = FONDS_VERT_2024_TOTAL - FONDS_VERT_2024_GRAND_EST
    base, remainder = divmod(rest, len(others))
    shares: dict[Region, int] = {Region.GRAND_EST: FONDS_VERT_2024_GRAND_EST}
    shares.update({r: base + (1 if i < remainder else 0) for i, r in enumerate(others)})
    return shares


FONDS_VERT_2024_REGIONAL_SHARES: dict[Region, int] = _fonds_vert_2024_shares()
"""Regional envelopes of the 2024 Fonds vert, summing to exactly 100 M€ (Grand Est 7.9 M€ from the sources)."""


@dataclass(frozen=True)
class EnvelopeSeed:
    """An envelope the platform opens at first start: id, programme, scope, ceiling, operator."""

    envelope_id: str
    programme: Programme
    ceiling_cents: int
    region: Region | None = None
    year: int | None = None
    operator: Partner | None = None


def _seeds() -> tuple[EnvelopeSeed, ...]:
    fonds_vert = tuple(
        EnvelopeSeed(f"fonds-vert-ti-2024-r{r.value}", Programme.FONDS_VERT_TI, cents, region=r, year=2024)
        for r, cents in sorted(FONDS_VERT_2024_REGIONAL_SHARES.items(), key=lambda kv: kv[0].value)
    )
    rebond = (
        EnvelopeSeed("rebond-industriel-ingenierie", Programme.REBOND_INDUSTRIEL_INGENIERIE, eur(10_000_000)),
        EnvelopeSeed(
            "rebond-industriel-investissement",
            Programme.REBOND_INDUSTRIEL_INVESTISSEMENT,
            eur(90_000_000),
            operator=Partner.BPIFRANCE,
        ),
        # Banque des Territoires: 450 M€ to pre-develop sites clés en main (its 600 M€ decarbonisation line has
        # no programme in the v1 contracts yet: see PARTNER_LINES).
        EnvelopeSeed(
            "bdt-sites-cles-en-main-predeveloppement",
            Programme.SITES_CLES_EN_MAIN,
            eur(450_000_000),
            operator=Partner.BANQUE_DES_TERRITOIRES,
        ),
    )
    return fonds_vert + rebond


ENVELOPE_SEEDS: tuple[EnvelopeSeed, ...] = _seeds()
"""The envelopes whose amounts the sources give (regional Fonds vert shares: see the platform rule above)."""

PARTNER_LINES: dict[str, tuple[Partner, int]] = {
    "bdt-decarbonation-industrielle": (Partner.BANQUE_DES_TERRITOIRES, eur(600_000_000)),
    "bdt-sites-cles-en-main-predeveloppement": (Partner.BANQUE_DES_TERRITOIRES, eur(450_000_000)),
}
"""Banque des Territoires' lines (> 1 Md€ over 5 years): 600 M€ decarbonisation, 450 M€ site pre-development."""
