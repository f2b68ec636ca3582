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


@dataclass(frozen=True)
class ProgrammeRules:
    """What a programme funds and who decides on it. `None` in a set means: no restriction."""

    programme: Programme
    operators: frozenset[Partner]
    """Partners that operate the programme and may decide on its dossiers (besides State staff)."""
    instructors: frozenset[Partner]
    """Partners that support the instruction and may also decide (e.g. ADEME for the Fonds vert)."""
    requires_labelled_territory: bool
    project_types: frozenset[ProjectType]
    value_chains: frozenset[ValueChain] | None
    instruments: frozenset[Instrument]
    within_eligible_cost: bool = True
    """Platform rule: the amount asked never exceeds the eligible cost (the sources give no rate)."""

    def may_decide(self, partner: Partner) -> bool:
        return partner in self.operators or partner in self.instructors


_SUB, _AVANCE = Instrument.SUBVENTION, Instrument.AVANCE_REMBOURSABLE
_P = ProjectType

CATALOGUE: dict[Programme, ProgrammeRules] = {
    r.programme: r
    for r in (
        ProgrammeRules(
            Programme.FONDS_VERT_TI,
            operators=frozenset(),  # managed by each regional prefect (State staff)
            instructors=frozenset({Partner.ADEME}),
            requires_labelled_territory=True,
            project_types=frozenset({_P.INVESTISSEMENT_INDUSTRIEL, _P.COMPETENCES, _P.REDYNAMISATION}),
            value_chains=frozenset(ValueChain),
            instruments=frozenset({_SUB}),
        ),
        ProgrammeRules(
            Programme.REBOND_INDUSTRIEL_INGENIERIE,
            operators=frozenset(),
            instructors=frozenset(),
            requires_labelled_territory=True,
            project_types=frozenset({_P.INGENIERIE, _P.REDYNAMISATION}),
            value_chains=None,
            instruments=frozenset({_SUB}),
        ),
        ProgrammeRules(
            Programme.REBOND_INDUSTRIEL_INVESTISSEMENT,
            operators=frozenset({Partner.BPIFRANCE}),
            instructors=frozenset(),
            requires_labelled_territory=True,
            project_types=frozenset({_P.INVESTISSEMENT_INDUSTRIEL, _P.REDYNAMISATION}),
            value_chains=None,
            instruments=frozenset({_SUB, _AVANCE}),
        ),
        ProgrammeRules(
            Programme.CHEF_DE_PROJET,
            operators=frozenset(),
            instructors=frozenset(),
            requires_labelled_territory=True,
            project_types=frozenset({_P.POSTE_CHEF_DE_PROJET}),
            value_chains=None,
            instruments=frozenset({_SUB}),
        ),
        ProgrammeRules(
            Programme.INGENIERIE_ANCT,
            operators=frozenset(),
            instructors=frozenset(),
            requires_labelled_territory=True,
            project_types=frozenset({_P.INGENIERIE}),
            value_chains=None,
            instruments=frozenset({_SUB}),
        ),
        ProgrammeRules(
            Programme.SITES_CLES_EN_MAIN,
            operators=frozenset({Partner.BANQUE_DES_TERRITOIRES}),
            instructors=frozenset(),
            requires_labelled_territory=False,  # the scheme is open beyond labelled territories
            project_types=frozenset({_P.SITE_INDUSTRIEL, _P.INGENIERIE}),
            value_chains=None,
            instruments=frozenset({_SUB, Instrument.PRET, Instrument.FONDS_PROPRES}),
        ),
        ProgrammeRules(
            Programme.VTE,
            operators=frozenset({Partner.BPIFRANCE}),
            instructors=frozenset(),
            requires_labelled_territory=True,
            project_types=frozenset({_P.COMPETENCES}),
            value_chains=None,
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
