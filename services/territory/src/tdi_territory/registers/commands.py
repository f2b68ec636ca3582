"""Commands of the registers: HTTP bodies of staff, and what the Démarches simplifiées door hands the pipeline for a
site candidacy (`registers.demarches`), through the same use cases."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field

from tdi_contracts.fields import Label, UniqueList
from tdi_contracts.ids import InseeCommune
from tdi_contracts.money import Cents
from tdi_contracts.reference import Region
from tdi_contracts.reference.registers import RegionalEmployer, SiteCriterion, SiteMaturity, SiteSupport
from tdi_contracts.spreadsheet_safety import PlainLabel
from tdi_runtime.doors.demarches.model import DossierState
from tdi_territory.commands import Command

Criteria = Annotated[
    UniqueList[SiteCriterion],
    Field(max_length=6, description="Criteria met (P:584-589, « pas nécessairement cumulatifs »: any number)"),
]
_SYNTHETIC = Field(default=False, description="Demonstration data (`make demo`), never a real entry")


class ProposeSite(Command):
    """Propose a site for the sites clés en main France 2030 (in or outside the territories, P:599)."""

    name: PlainLabel = Field(examples=["Parc industriel de la Husselle"])
    commune_insee: InseeCommune
    criteria: Criteria = Field(examples=[["maitrise-fonciere", "raccordement-reseaux"]])
    maturity: SiteMaturity = Field(examples=["friche-a-rehabiliter"])
    proposed_on: date = Field(examples=["2023-12-01"], description="First round: 2023-12-01 (P:582)")
    synthetic: bool = _SYNTHETIC


class AssessSiteCriteria(Command):
    criteria: Criteria = Field(examples=[["maitrise-fonciere"]])
    assessed_on: date


class ChangeSiteMaturity(Command):
    maturity: SiteMaturity = Field(examples=["deja-cle-en-main"])
    changed_on: date


class RecordSiteSupport(Command):
    """Support received (P:595-597): engineering, procedures, financing (with its amount when known)."""

    support: SiteSupport = Field(examples=["financement"])
    amount_cents: Cents | None = Field(default=None, examples=[25_000_000])
    recorded_on: date


class SelectSite(Command):
    selected_on: date


class RecordEcoleDeProduction(Command):
    name: PlainLabel = Field(examples=["École de production de Reims"])
    commune_insee: InseeCommune
    opened_on: date
    via_programme: bool = Field(description="Deployed with the programme's support since 2021 (P:687)")
    synthetic: bool = _SYNTHETIC


class RecordRebondLaureate(Command):
    laureate_since: date
    source: Label = Field(
        description="Where the fact comes from", examples=["Dossier de presse du 9 novembre 2023, l. 644"]
    )
    synthetic: bool = _SYNTHETIC


class AppointRegionalChefDeProjet(Command):
    employer: RegionalEmployer = Field(examples=["prefecture"])
    appointed_on: date
    synthetic: bool = _SYNTHETIC


class EndRegionalChefDeProjet(Command):
    ended_on: date


# What a route hands the pipeline: the body above and the ids of its path (a handler is found by the class).
@dataclass(frozen=True)
class AssessSiteCriteriaOf:
    site_id: UUID
    body: AssessSiteCriteria


@dataclass(frozen=True)
class ChangeSiteMaturityOf:
    site_id: UUID
    body: ChangeSiteMaturity


@dataclass(frozen=True)
class RecordSiteSupportOf:
    site_id: UUID
    body: RecordSiteSupport


@dataclass(frozen=True)
class SelectSiteOf:
    site_id: UUID
    body: SelectSite


@dataclass(frozen=True)
class RecordRebondLaureateOf:
    territory_id: str
    """Platform or official id, as the route was given it."""
    body: RecordRebondLaureate


@dataclass(frozen=True)
class AppointRegionalChefDeProjetOf:
    region: Region
    body: AppointRegionalChefDeProjet


@dataclass(frozen=True)
class EndRegionalChefDeProjetOf:
    post_id: UUID
    body: EndRegionalChefDeProjet


# What the Démarches simplifiées door hands the pipeline for a candidacy (`registers.demarches`; never a route's body).
@dataclass(frozen=True)
class Candidacy:
    """The dossier behind a site: where staff open it (no name or e-mail is copied) and its state on DS."""

    reference: str
    """`ds:<démarche>:<number>`"""
    link: str
    state: DossierState
    changed_on: date


@dataclass(frozen=True)
class ProposeSiteCandidacy:
    """A candidacy filed on DS proposes its site, under the id its dossier gives it (proposed once)."""

    site_id: UUID
    body: ProposeSite
    candidacy: Candidacy


@dataclass(frozen=True)
class RecordCandidacyState:
    """The candidacy's state on DS changed (instruction, refusal, closing): kept on the site, no register event."""

    site_id: UUID
    state: DossierState
    changed_on: date
