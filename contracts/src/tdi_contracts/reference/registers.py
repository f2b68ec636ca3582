"""The programme's registers the territory service keeps (issue 24, C5-C7): sites clés en main France 2030, écoles
de production, laureates of the AMI Rebond industriel, regional chefs de projet; with the figures the sources give.

Seed lines: `P` = press kit of 9 Nov 2023 (`seeds/000_…`), `M` = Marne deck (`seeds/001_…`). A figure the sources
do not give is not here: the platform says « non publié ».
"""

from datetime import date
from enum import StrEnum

from .programmes_catalogue import SITES_PER_REGION, SiteCriterion

__all__ = [
    "ECOLES_DE_PRODUCTION_IN_2020",
    "ECOLES_DE_PRODUCTION_OPEN",
    "ECOLES_DE_PRODUCTION_TARGET_2027",
    "ECOLES_DE_PRODUCTION_VIA_PROGRAMME",
    "SITES_CLES_EN_MAIN_OBJECTIVE",
    "SITES_FIRST_ROUND",
    "SITES_PER_REGION",
    "RegionalEmployer",
    "SiteCriterion",
    "SiteMaturity",
    "SiteSupport",
    "sites_flag",
]

SITES_CLES_EN_MAIN_OBJECTIVE = 50
"""`P:574-576` « faire émerger 50 sites clés en main France 2030 » (`M:241` « une cinquantaine »)."""
SITES_FIRST_ROUND = date(2023, 12, 1)
"""`P:582` « Une première relève aura lieu le 1er décembre 2023, puis d'autres suivront en 2024 » (their dates:
non publiées)."""

ECOLES_DE_PRODUCTION_OPEN = 65
"""`P:683` « 65 établissements ouverts » (at 9 Nov 2023)."""
ECOLES_DE_PRODUCTION_IN_2020 = 25
"""`P:683` « contre 25 en 2020 »."""
ECOLES_DE_PRODUCTION_TARGET_2027 = 100
"""`P:683` « objectif de 100 Écoles de Production déployées en France d'ici 2027 » (`M:325-327`)."""
ECOLES_DE_PRODUCTION_VIA_PROGRAMME = 39
"""`P:687`, `P:693-695` « 39 écoles de production déployées dans le cadre du programme Territoires d'industrie
depuis 2021 »."""


def sites_flag(proposed: int) -> str:
    """Where a region's count of proposed sites stands against `P:580` « 5 à 10 sites par région »: `moins-de-5`,
    `dans-la-fourchette` or `plus-de-10`. A flag, never a refusal: the rounds go on (`P:582`, `M:263`)."""
    low, high = SITES_PER_REGION
    if proposed < low:
        return f"moins-de-{low}"
    return f"plus-de-{high}" if proposed > high else "dans-la-fourchette"


class SiteMaturity(StrEnum):
    """`P:582` « niveaux de maturité différents (site déjà clé en main, site à reconverter, zones d'activités ou
    friche à réhabiliter, etc.) »; `autre` for the « etc. »."""

    DEJA_CLE_EN_MAIN = "deja-cle-en-main"
    A_RECONVERTIR = "a-reconvertir"
    ZONE_ACTIVITES = "zone-activites"
    FRICHE_A_REHABILITER = "friche-a-rehabiliter"
    AUTRE = "autre"


class SiteSupport(StrEnum):
    """`P:595-597`: the support a site receives « site par site »: engineering, administrative procedures, financing."""

    INGENIERIE = "ingenierie"
    PROCEDURES = "procedures"
    FINANCEMENT = "financement"


class RegionalEmployer(StrEnum):
    """Who employs a regional chef de projet (`P:466` « déployer des chefs de projets régionaux »; the employer is
    not in the sources: platform vocabulary)."""

    PREFECTURE = "prefecture"
    CONSEIL_REGIONAL = "conseil-regional"
    AUTRE = "autre"
