"""Amounts and ceilings quoted in the source documents, in cents; only figures the sources state."""

from dataclasses import dataclass
from decimal import Decimal

from ..money import eur
from .programmes import Programme
from .regions import Region

TERRITORIES_ANNOUNCED = 183
"""Territoires d'industrie labelled for Temps II, as the programme announces them (press kit, 9 Nov 2023)."""
TERRITORIES_IN_ANNEX = 182
"""Territories the press kit's annex lists once read: one of the official list is missing from it (the territory
service's RECONCILIATION.md); it is shown once staff enter it."""

CHEF_DE_PROJET_CAP_ONE_OR_TWO_EPCI = eur(30_000)
"""Yearly State co-funding cap of a chef de projet post for a territory of one or two EPCI."""
CHEF_DE_PROJET_CAP_THREE_OR_MORE_EPCI = eur(40_000)
"""Yearly State co-funding cap for a territory of three EPCI or more."""
CHEF_DE_PROJET_MAX_STATE_SHARE = Decimal("0.70")
"""The territory co-funds at least 30 % of the post, so the State pays at most 70 % of its cost."""

VTE_BASE_AID = eur(4_000)
"""VTE aid to a company located in a territory, once per contract."""
VTE_GREEN_TOP_UP_MAX = eur(8_000)
"""« VTE vert » top-up for missions on energy and ecological transition, at most."""
VTE_MAX_PER_CONTRACT = eur(12_000)
"""Never more than this for one VTE contract (base + green top-up)."""


def chef_de_projet_cap(epci_count: int) -> int:
    """Yearly cap of the State co-funding of a chef de projet post, by the territory's number of EPCI."""
    if epci_count < 1:
        raise ValueError("a territory has at least one EPCI")
    return CHEF_DE_PROJET_CAP_ONE_OR_TWO_EPCI if epci_count <= 2 else CHEF_DE_PROJET_CAP_THREE_OR_MORE_EPCI


@dataclass(frozen=True)
class EnvelopeFigure:
    """An envelope amount the sources state: programme, optional region, optional year, ceiling."""

    programme: Programme
    ceiling_cents: int
    source: str
    region: Region | None = None
    year: int | None = None


KNOWN_ENVELOPES: tuple[EnvelopeFigure, ...] = (
    EnvelopeFigure(Programme.FONDS_VERT_TI, eur(100_000_000), "press kit p.19", year=2024),
    EnvelopeFigure(Programme.FONDS_VERT_TI, eur(7_900_000), "Marne deck", region=Region.GRAND_EST, year=2024),
    EnvelopeFigure(Programme.REBOND_INDUSTRIEL_INGENIERIE, eur(10_000_000), "press kit p.23"),
    EnvelopeFigure(Programme.REBOND_INDUSTRIEL_INVESTISSEMENT, eur(90_000_000), "press kit p.23"),
)
"""Only the regional Fonds vert share of Grand Est is published; other regions' shares are not invented."""
