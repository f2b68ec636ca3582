"""Facts Bpifrance reports on a VTE contract (v2 commands): the establishment, the candidate, the contract."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from ...base import ContractModel
from ...ids import InseeCommune, Siren, Siret
from ...reference import CompanySize
from .eligibility import CandidateStatus, YearMonth


class StudyLevel(StrEnum):
    """Highest level reached or being prepared; every level is accepted so the platform can name a refusal."""

    BAC = "bac"
    BAC_1 = "bac+1"
    BAC_2 = "bac+2"
    BAC_3 = "bac+3"
    BAC_4 = "bac+4"
    BAC_5 = "bac+5"
    BAC_8 = "bac+8"


class VteContractType(StrEnum):
    """Kind of employment contract of the mission (which ones open the aid is a platform setting)."""

    CDI = "cdi"
    CDD = "cdd"
    APPRENTISSAGE = "apprentissage"
    PROFESSIONNALISATION = "professionnalisation"
    STAGE = "stage"


class VteGreenScope(StrEnum):
    """Theme of a « VTE vert » mission; `autre` is outside energy and ecological transition."""

    ENERGY_EFFICIENCY = "efficacite-energetique"
    RENEWABLE_ENERGY = "energies-renouvelables"
    DECARBONISATION = "decarbonation"
    CIRCULAR_ECONOMY = "economie-circulaire"
    WATER = "gestion-de-l-eau"
    BIODIVERSITY = "biodiversite"
    OTHER = "autre"


CandidateReference = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$")]


class VteEstablishment(ContractModel):
    """The hiring establishment: where it is and how large its company is."""

    siret: Siret = Field(description="SIRET of the hiring establishment", examples=["73282932000074"])
    siren: Siren = Field(description="SIREN of its company (the SIRET's first 9 digits)", examples=["732829320"])
    size: CompanySize = Field(description="Size category of the company (a large company is refused)", examples=["pme"])
    commune_insee: InseeCommune = Field(description="INSEE code of the establishment's commune", examples=["51454"])


class VteCandidateFacts(ContractModel):
    """The candidate as Bpifrance reports it: its reference (pseudonymised on arrival) and eligibility facts.

    Any other field (a name, an e-mail, a birth date) is dropped when the command is read: never stored.
    """

    candidate_reference: CandidateReference = Field(
        description="Bpifrance's reference of the candidate; the platform keeps only a keyed hash of it",
        examples=["BPI-CAND-2024-0042"],
    )
    status: CandidateStatus = Field(description="Student or young graduate", examples=["jeune-diplome"])
    study_level: StudyLevel = Field(description="Level reached or being prepared", examples=["bac+5"])
    graduated_in: YearMonth | None = Field(
        default=None, description="Month of graduation, for young graduates", examples=["2024-06"]
    )


OFFER_REFERENCE = Field(description="Bpifrance's reference of the VTE offer", examples=["BPI-VTE-OFFRE-0007"])
CONTRACT_REFERENCE = Field(description="Bpifrance's reference of the VTE contract", examples=["BPI-VTE-2024-0099"])
