"""Commands the territory service accepts over HTTP, validated field by field (errors name the field).

Names (a territory's, an EPCI's, a binôme's company and sector) never start like a spreadsheet formula (`=`, `+`,
`@`): `PlainLabel`, refused with the field error `formula_like_text` (422).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tdi_contracts.fields import UniqueList
from tdi_contracts.ids import OfficialTerritoryId, Siren, TerritoryId
from tdi_contracts.money import Cents
from tdi_contracts.reference import CompanySize, Departement, LocalAuthorityType
from tdi_contracts.spreadsheet_safety import PlainLabel
from tdi_territory.announcements import LABELLED_ON
from tdi_territory.governance.domain import ElectedMandate
from tdi_territory.reference.catalogue import ReferenceTerritory
from tdi_territory.reference.nature_juridique import NatureJuridique
from tdi_territory.reference.open_data import OpenDataResult


class Command(BaseModel):
    """Unknown fields are refused: a typo in a field name must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AddTerritory(Command):
    """Enter a territory missing from the list (the 183rd announced), with its official open-data id."""

    name: PlainLabel = Field(examples=["Pays de Langres"])
    departements: Annotated[UniqueList[Departement], Field(min_length=1, max_length=12, examples=[["52"]])]
    official_id: OfficialTerritoryId
    labelled_on: date = Field(default=LABELLED_ON, description="Date of the labelling decision")


class WithdrawLabel(Command):
    """The territory loses its label; its EPCI, binômes and posts stay in its history."""

    withdrawn_on: date


class JoinEpci(Command):
    """Record that an EPCI (intercommunalité) joined the territory."""

    siren: Siren
    name: PlainLabel = Field(examples=["Communauté urbaine du Grand Reims"])
    nature_juridique: NatureJuridique = Field(examples=["CU"])
    joined_on: date


class LeaveEpci(Command):
    """Record that an EPCI left the territory."""

    left_on: date


class RecordBinome(Command):
    """Record a binôme élu-industriel: the elected official's mandate and the industrialist's company, no names."""

    elected_mandate: ElectedMandate = Field(examples=["president-epci"])
    industrial_company: PlainLabel = Field(
        description="The company (an organisation)", examples=["Fonderie champenoise"]
    )
    industrial_company_size: CompanySize = Field(examples=["pme"])
    industrial_sector: PlainLabel = Field(examples=["métallurgie"])
    appointed_on: date
    synthetic: bool = Field(default=False, description="Demonstration data (`make demo`), never a real binôme")


class EndBinome(Command):
    """A binôme leaves office: its last day."""

    ended_on: date


class AppointChefDeProjet(Command):
    """Open a chef de projet post for the territory (the post, not the person)."""

    employer_siren: Siren
    employer_authority: LocalAuthorityType = Field(examples=["epci"])
    annual_cost_cents: Cents = Field(description="Full yearly cost of the post, in euro cents", examples=[6_000_000])
    started_on: date


class ShareChefDeProjet(Command):
    """Share (mutualise) a post with other territories; either id form is accepted."""

    territory_ids: Annotated[UniqueList[TerritoryId], Field(min_length=1, max_length=9)]
    shared_on: date


class EndChefDeProjet(Command):
    """Close a post: its last day."""

    ended_on: date


# What a route hands the pipeline: the body above and the ids of its path (a handler is found by the class).
@dataclass(frozen=True)
class WithdrawLabelOf:
    territory_id: str
    """Platform or official id, as the route was given it."""
    body: WithdrawLabel


@dataclass(frozen=True)
class JoinEpciOf:
    territory_id: str
    body: JoinEpci


@dataclass(frozen=True)
class LeaveEpciOf:
    territory_id: str
    siren: str
    body: LeaveEpci


@dataclass(frozen=True)
class RecordBinomeOf:
    territory_id: str
    body: RecordBinome


@dataclass(frozen=True)
class EndBinomeOf:
    territory_id: str
    binome_id: UUID
    body: EndBinome


@dataclass(frozen=True)
class AppointChefDeProjetOf:
    territory_id: str
    body: AppointChefDeProjet


@dataclass(frozen=True)
class ShareChefDeProjetOf:
    post_id: UUID
    body: ShareChefDeProjet


@dataclass(frozen=True)
class EndChefDeProjetOf:
    post_id: UUID
    body: EndChefDeProjet


@dataclass(frozen=True)
class PublishReference:
    """First start (or `seed`): the annex's territories, written and announced once, if the database has none."""

    reference: Sequence[ReferenceTerritory]


@dataclass(frozen=True)
class CorrectReference:
    """Later starts: the errata of the annex reaching a database seeded before them."""

    reference: Sequence[ReferenceTerritory]


@dataclass(frozen=True)
class LoadOpenData:
    """The national open data, validated (`reference.open_data`), applied as of `on`."""

    result: OpenDataResult
    on: date


@dataclass(frozen=True)
class Created:
    """What a command created: the territory's platform id and the new object's id."""

    territory_id: str
    id: UUID
