"""Territory governance events: binômes élus-industriels and chef de projet posts (roles, never people)."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import UniqueList
from ...ids import BinomeId, ChefDeProjetId, Siren, TerritoryId
from ...money import Cents
from ...reference import CompanySize, LocalAuthorityType
from ...topics import TERRITORY

_TERRITORY = Field(description="Id of the Territoire d'industrie", examples=["tdi-44-grand-reims"])
_BINOME = Field(description="Id of the binôme", examples=["0b7e43a4-5a43-4f7e-9d59-3f1f0f6f0a01"])
_POST = Field(description="Id of the chef de projet post", examples=["5d0c1c4e-7a55-4a7e-8d7b-2b8e3c1e9f02"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class BinomeAppointed(ContractModel):
    """A binôme (an elected official paired with an industrialist) now leads the territory.

    Only roles and organisation types travel: no names, no contact details.
    """

    territory_id: TerritoryId = _TERRITORY
    binome_id: BinomeId = _BINOME
    elected_official_authority: LocalAuthorityType = Field(
        description="Kind of local authority the elected official sits in", examples=["epci"]
    )
    industrialist_company_size: CompanySize = Field(
        description="Size category of the industrialist's company", examples=["eti"]
    )
    appointed_on: date = Field(description="Date the binôme took office", examples=["2023-12-01"])
    synthetic: bool = Field(
        default=False, description="True for generated demonstration data, never a real binôme", examples=[False]
    )


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class BinomeEnded(ContractModel):
    """A binôme stopped leading the territory."""

    territory_id: TerritoryId = _TERRITORY
    binome_id: BinomeId = _BINOME
    ended_on: date = Field(description="Last day in office", examples=["2026-03-31"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class ChefDeProjetAppointed(ContractModel):
    """A chef de projet post (who runs the territory's approach day to day) was filled."""

    territory_id: TerritoryId = _TERRITORY
    chef_de_projet_id: ChefDeProjetId = _POST
    employer_siren: Siren = Field(description="SIREN of the employing authority", examples=["200067213"])
    employer_authority: LocalAuthorityType = Field(description="Kind of employer", examples=["epci"])
    annual_cost_cents: Cents = Field(description="Full yearly cost of the post, in euro cents", examples=[6_000_000])
    appointed_on: date = Field(description="First day in post", examples=["2024-02-01"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class ChefDeProjetShared(ContractModel):
    """A chef de projet post is now shared (mutualised) with other territories."""

    territory_id: TerritoryId = _TERRITORY
    chef_de_projet_id: ChefDeProjetId = _POST
    shared_with: UniqueList[TerritoryId] = Field(
        min_length=1,
        max_length=10,
        description="The other territories sharing the post",
        examples=[["tdi-44-pays-de-chalons"]],
    )
    shared_on: date = Field(description="Date the sharing starts", examples=["2024-09-01"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class ChefDeProjetEnded(ContractModel):
    """A chef de projet post was vacated or closed."""

    territory_id: TerritoryId = _TERRITORY
    chef_de_projet_id: ChefDeProjetId = _POST
    ended_on: date = Field(description="Last day in post", examples=["2026-12-31"])
