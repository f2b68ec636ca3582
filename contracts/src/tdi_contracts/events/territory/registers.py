"""The programme's registers the territory service keeps (issue 24): sites clés en main France 2030, écoles de
production, laureates of the AMI Rebond industriel, and the regional chefs de projet of the network.

They travel on the territory topic. A site, an école and a regional post belong to a region (a site may lie
outside every territory, `P:599`): their Kafka key is the region's INSEE code, so one region's register stays in
order; a Rebond laureate is a territory, keyed by its platform id.
"""

from datetime import date
from uuid import UUID

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import Label, UniqueList
from ...ids import InseeCommune
from ...money import Cents
from ...reference import Departement, Region
from ...reference.registers import RegionalEmployer, SiteCriterion, SiteMaturity, SiteSupport
from ...topics import TERRITORY
from .perimeter import PlatformTerritoryId

_SITE = Field(description="Id of the site in the register", examples=["3f1e7c52-8a0b-4d52-9a40-1c2b3d4e5f60"])
_REGION = Field(description="INSEE code of the region (the Kafka key)", examples=["44"])
_CRITERIA = Field(
    max_length=6,
    description="The criteria of P:584-589 the site meets (« pas nécessairement cumulatifs »: any number)",
    examples=[["maitrise-fonciere", "raccordement-reseaux"]],
)
_SYNTHETIC = Field(default=False, description="True for demonstration data (make demo), never real", examples=[False])


@contract(service="territory", topics=(TERRITORY.name,), subject="site_id", key="region")
class SiteProposed(ContractModel):
    """A site was proposed for the sites clés en main France 2030 (5 to 10 per region, `P:580`)."""

    site_id: UUID = _SITE
    region: Region = _REGION
    departement: Departement = Field(description="Département of the site", examples=["51"])
    commune_insee: InseeCommune = Field(description="INSEE code of the site's commune", examples=["51454"])
    territory_id: PlatformTerritoryId | None = Field(
        default=None,
        description="The Territoire d'industrie the commune is in (null: outside every territory, P:599)",
        examples=["tdi-44-grand-reims"],
    )
    name: Label = Field(description="Name of the site", examples=["Parc industriel de la Husselle"])
    criteria: UniqueList[SiteCriterion] = _CRITERIA
    maturity: SiteMaturity = Field(description="Maturity of the site (P:582)", examples=["friche-a-rehabiliter"])
    proposed_on: date = Field(description="Date of the proposal (first round: 2023-12-01)", examples=["2023-12-01"])
    synthetic: bool = _SYNTHETIC


@contract(service="territory", topics=(TERRITORY.name,), subject="site_id", key="region")
class SiteCriteriaAssessed(ContractModel):
    """The criteria a site meets were assessed again (the whole list replaces the previous one)."""

    site_id: UUID = _SITE
    region: Region = _REGION
    criteria: UniqueList[SiteCriterion] = _CRITERIA
    assessed_on: date = Field(description="Date of the assessment", examples=["2024-03-01"])


@contract(service="territory", topics=(TERRITORY.name,), subject="site_id", key="region")
class SiteMaturityChanged(ContractModel):
    """A site reached another level of maturity (e.g. a friche rehabilitated into a site clé en main)."""

    site_id: UUID = _SITE
    region: Region = _REGION
    maturity: SiteMaturity = Field(description="The new maturity", examples=["deja-cle-en-main"])
    changed_on: date = Field(description="Date of the change", examples=["2024-06-01"])


@contract(service="territory", topics=(TERRITORY.name,), subject="site_id", key="region")
class SiteSupportRecorded(ContractModel):
    """A site received support (`P:595-597`): engineering, administrative procedures or financing."""

    site_id: UUID = _SITE
    region: Region = _REGION
    support_id: UUID = Field(description="Id of this support", examples=["0c2d8e9f-1a2b-4c3d-8e4f-5a6b7c8d9e01"])
    support: SiteSupport = Field(description="Kind of support", examples=["financement"])
    amount_cents: Cents | None = Field(
        default=None, description="Amount, in euro cents, when the support is money and known", examples=[25_000_000]
    )
    recorded_on: date = Field(description="Date the support was granted", examples=["2024-04-15"])


@contract(service="territory", topics=(TERRITORY.name,), subject="site_id", key="region")
class SiteSelected(ContractModel):
    """A proposed site was retained among the sites clés en main France 2030 (objective 50, `P:576`)."""

    site_id: UUID = _SITE
    region: Region = _REGION
    selected_on: date = Field(description="Date of the selection", examples=["2024-02-15"])


@contract(service="territory", topics=(TERRITORY.name,), subject="ecole_id", key="region")
class EcoleDeProductionRecorded(ContractModel):
    """An école de production (a technical school recognised by the State, `P:685`) is in the register."""

    ecole_id: UUID = Field(
        description="Id of the école in the register", examples=["9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"]
    )
    region: Region = _REGION
    departement: Departement = Field(description="Département of the école", examples=["51"])
    commune_insee: InseeCommune = Field(description="INSEE code of its commune", examples=["51454"])
    territory_id: PlatformTerritoryId | None = Field(
        default=None,
        description="The Territoire d'industrie the commune is in (null: outside every territory)",
        examples=["tdi-44-grand-reims"],
    )
    name: Label = Field(description="Name of the école (an organisation)", examples=["École de production de Reims"])
    opened_on: date = Field(description="Opening date", examples=["2022-09-01"])
    via_programme: bool = Field(
        description="Deployed with the programme's support since 2021 (ANCT, Banque des Territoires: P:687)",
        examples=[True],
    )
    synthetic: bool = _SYNTHETIC


@contract(service="territory", topics=(TERRITORY.name,), subject="territory_id")
class RebondLaureateRecorded(ContractModel):
    """A territory is a laureate of the AMI « Rebond industriel » (France 2030, `P:608-664`)."""

    territory_id: PlatformTerritoryId = Field(
        description="Platform id of the laureate territory", examples=["tdi-84-bassin-de-bourg-en-bresse"]
    )
    laureate_since: date = Field(description="Date it was retained (as the source gives it)", examples=["2023-06-01"])
    source: Label = Field(
        description="Where the fact comes from (document and line, or the staff's decision)",
        examples=["Dossier de presse du 9 novembre 2023, l. 644"],
    )
    synthetic: bool = _SYNTHETIC


@contract(service="territory", topics=(TERRITORY.name,), subject="post_id", key="region")
class RegionalChefDeProjetAppointed(ContractModel):
    """A regional chef de projet post was filled (`P:466` « déployer des chefs de projets régionaux »): the post,
    never the person."""

    post_id: UUID = Field(description="Id of the regional post", examples=["7e6d5c4b-3a29-4817-8615-0f1e2d3c4b5a"])
    region: Region = _REGION
    employer: RegionalEmployer = Field(
        description="Who employs the post (platform vocabulary)", examples=["prefecture"]
    )
    appointed_on: date = Field(description="First day in post", examples=["2024-03-01"])
    synthetic: bool = _SYNTHETIC


@contract(service="territory", topics=(TERRITORY.name,), subject="post_id", key="region")
class RegionalChefDeProjetEnded(ContractModel):
    """A regional chef de projet post was closed."""

    post_id: UUID = Field(description="Id of the regional post", examples=["7e6d5c4b-3a29-4817-8615-0f1e2d3c4b5a"])
    region: Region = _REGION
    ended_on: date = Field(description="Last day in post", examples=["2026-12-31"])


__all__ = [
    "EcoleDeProductionRecorded",
    "RebondLaureateRecorded",
    "RegionalChefDeProjetAppointed",
    "RegionalChefDeProjetEnded",
    "SiteCriteriaAssessed",
    "SiteMaturityChanged",
    "SiteProposed",
    "SiteSelected",
    "SiteSupportRecorded",
]
