"""A territory's full current state on the compacted reference topic, so a new consumer builds its view."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import Label, UniqueList, UtcDatetime
from ...ids import ChefDeProjetId, OfficialTerritoryId, Siren, TerritoryId
from ...reference import Departement, Region
from ...topics import TERRITORY_REFERENCE


@contract(service="territory", topics=(TERRITORY_REFERENCE.name,), subject="territory_id")
class TerritoryReferenceUpdated(ContractModel):
    """The latest full state of one territory (event-carried state; only the last one per key is kept)."""

    territory_id: TerritoryId = Field(
        description="Platform id of the Territoire d'industrie (the reference form)", examples=["tdi-44-grand-reims"]
    )
    revision: int = Field(ge=1, le=10**9, description="Increases with every change of the territory", examples=[3])
    name: Label = Field(description="Official name of the territory", examples=["Grand Reims"])
    labelled: bool = Field(description="False once the territory lost its label", examples=[True])
    regions: UniqueList[Region] = Field(min_length=1, max_length=3, description="Regions", examples=[["44"]])
    departements: UniqueList[Departement] = Field(
        min_length=1, max_length=12, description="Départements", examples=[["51"]]
    )
    epci_sirens: UniqueList[Siren] = Field(
        max_length=40, description="SIREN of the current member EPCI", examples=[["200067213"]]
    )
    active_binomes: int = Field(ge=0, le=50, description="Number of binômes in office", examples=[2])
    chefs_de_projet: UniqueList[ChefDeProjetId] = Field(
        max_length=10,
        description="Chef de projet posts serving the territory",
        examples=[["5d0c1c4e-7a55-4a7e-8d7b-2b8e3c1e9f02"]],
    )
    as_of: UtcDatetime = Field(description="Instant of the last change", examples=["2024-02-01T08:00:00Z"])
    official_id: OfficialTerritoryId | None = Field(
        default=None,
        description="Official open-data id of the territory (null until the open data is loaded); "
        "partners may quote it instead of territory_id",
        examples=["ti-8413"],
    )
    perimeter_known: bool = Field(
        default=False,
        description="True once every commune of the territory is known: it has EPCI and each is in the "
        "administrative reference (COG) the platform vendors; false (the default of older events) holds "
        "decisions by commune pending",
        examples=[True],
    )
    perimeter_as_of: date | None = Field(
        default=None,
        description="Date of the latest EPCI change of a known perimeter (null while it is unknown)",
        examples=["2024-01-15"],
    )
    perimeter_communes: int | None = Field(
        default=None,
        ge=0,
        description="How many communes (current INSEE codes, aliases excluded) the known perimeter holds, each "
        "published as a `CommuneAssigned` on the territory topic: a consumer calls the perimeter known only once "
        "it holds that many, whatever the order in which the two topics reach it (null: older events, or a "
        "perimeter not known)",
        examples=[143],
    )

    def is_interregional(self) -> bool:
        """True when the territory spans several regions (marked * in the press kit annex)."""
        return len(self.regions) > 1
