"""Territory events on its label and perimeter: regions, départements, EPCI (intercommunalités), communes."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from ...base import ContractModel, contract
from ...fields import Label, UniqueList
from ...ids import REFERENCE_TERRITORY_ID_PATTERN, InseeCommune, OfficialTerritoryId, Siren, TerritoryId
from ...reference import Departement, Region
from ...topics import TERRITORY

_TERRITORY = Field(description="Id of the Territoire d'industrie", examples=["tdi-44-grand-reims"])
PlatformTerritoryId = Annotated[
    str,
    StringConstraints(pattern=REFERENCE_TERRITORY_ID_PATTERN),
    Field(description="Platform id of the Territoire d'industrie (never the official ti- form)"),
]
"""The one key of a territory on the platform's topics: `tdi-<INSEE region>-<slug>`; new event types use it."""
_EPCI = Field(description="SIREN of the EPCI (intercommunalité)", examples=["200067213"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class TerritoryLabelled(ContractModel):
    """A territory was labelled Territoire d'industrie for Temps II (2023-2027)."""

    territory_id: TerritoryId = _TERRITORY
    name: Label = Field(description="Official name of the territory", examples=["Grand Reims"])
    regions: UniqueList[Region] = Field(
        min_length=1,
        max_length=3,
        description="Regions it spans; several if interregional",
        examples=[["44"]],
    )
    departements: UniqueList[Departement] = Field(
        min_length=1, max_length=12, description="Départements it spans", examples=[["51"]]
    )
    epci_sirens: UniqueList[Siren] = Field(
        max_length=40,
        description="SIREN of each member EPCI known at labelling (empty when the list of the label gives none)",
        examples=[["200067213"]],
    )
    labelled_on: date = Field(description="Date of the labelling decision", examples=["2023-11-09"])
    official_id: OfficialTerritoryId | None = Field(
        default=None,
        description="Official open-data id of the territory, when known (null until the open data is loaded)",
        examples=["ti-8413"],
    )


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class EpciJoined(ContractModel):
    """An EPCI (intercommunalité) joined the territory's perimeter."""

    territory_id: TerritoryId = _TERRITORY
    epci_siren: Siren = _EPCI
    epci_name: Label = Field(description="Name of the EPCI", examples=["Communauté urbaine du Grand Reims"])
    joined_on: date = Field(description="Date the EPCI joined", examples=["2024-01-15"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class EpciLeft(ContractModel):
    """An EPCI left the territory's perimeter."""

    territory_id: TerritoryId = _TERRITORY
    epci_siren: Siren = _EPCI
    left_on: date = Field(description="Date the EPCI left", examples=["2025-06-30"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class CommuneAssigned(ContractModel):
    """A commune was recorded in the territory, through the EPCI it belongs to."""

    territory_id: TerritoryId = _TERRITORY
    commune_insee: InseeCommune = Field(description="INSEE code of the commune", examples=["51454"])
    epci_siren: Siren = _EPCI
    departement: Departement = Field(description="Département of the commune", examples=["51"])
    assigned_on: date = Field(description="Date of the assignment", examples=["2024-01-15"])


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class TerritoryLabelWithdrawn(ContractModel):
    """A territory lost its Territoire d'industrie label; its history (EPCI, binômes, posts) is kept."""

    territory_id: PlatformTerritoryId = Field(
        description="Platform id of the Territoire d'industrie", examples=["tdi-44-grand-reims"]
    )
    withdrawn_on: date = Field(description="Date the label was withdrawn", examples=["2025-12-31"])


class CommuneAliasKind(StrEnum):
    """Why a code stands for another commune: a former code (merger), a commune déléguée or associée, or an
    arrondissement municipal of Paris, Lyon or Marseille (SIRENE gives these for an establishment there)."""

    ANCIEN = "ancien"
    DELEGUE = "delegue"
    ASSOCIE = "associe"
    ARRONDISSEMENT = "arrondissement"


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class CommuneCodeAliased(ContractModel):
    """A code that is not a current commune (former code, commune déléguée or associée, arrondissement municipal)
    stands for a commune of the territory: locate it like its commune. Emitted with the commune's assignment;
    the alias goes with its EPCI (`EpciLeft`)."""

    territory_id: PlatformTerritoryId = Field(
        description="Platform id of the Territoire d'industrie", examples=["tdi-93-aix-marseille-provence"]
    )
    alias_insee: InseeCommune = Field(description="The code an address may carry", examples=["13203"])
    commune_insee: InseeCommune = Field(description="The current commune it stands for", examples=["13055"])
    kind: CommuneAliasKind = Field(description="Why the code stands for the commune", examples=["arrondissement"])
    epci_siren: Siren = Field(description="SIREN of the commune's EPCI", examples=["200054807"])
    departement: Departement = Field(description="Département of the commune", examples=["13"])
    aliased_on: date = Field(description="Date of the commune's assignment", examples=["2024-01-15"])
