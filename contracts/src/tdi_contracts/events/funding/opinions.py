"""Avis (opinions) on a dossier by those who advise without deciding (issue 24, A1): ADEME supports the Fonds vert's
instruction, the Conseil régional is consulted (press kit « avec l'appui de l'ADEME et en concertation avec les
Conseils régionaux »). An avis is recorded in the dossier's history; it never changes its state."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from ...base import ContractModel, contract
from ...fields import FrenchSentence, UtcDatetime
from ...ids import ApplicationId, PartnerReference, TerritoryId
from ...topics import FUNDING_APPLICATION, ingress_topics_of
from . import fields as f

__all__ = ["AdviserName", "ApplicationOpinionRecorded", "Opinion", "RecordApplicationOpinion"]


class Opinion(StrEnum):
    """The avis given on a dossier."""

    FAVORABLE = "favorable"
    DEFAVORABLE = "defavorable"
    RESERVE = "reserve"
    """Favourable with reservations (« avis réservé »)."""

    @property
    def label(self) -> str:
        return {"favorable": "favorable", "defavorable": "défavorable", "reserve": "réservé"}[self.value]


AdviserName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,40}(:[a-z0-9-]{1,60})?$")]
"""Who gave an avis: a partner slug (`ademe`) or a staff role and its scope (`region-council:44`), never a person."""

OPINION = Field(description="The avis", examples=["favorable"])
TEXT = Field(
    description="The avis in a few French sentences (no person's name)",
    examples=["Projet cohérent avec la stratégie du territoire ; gains énergétiques à confirmer."],
)


@contract(service="funding", topics=ingress_topics_of("funding"), subject="application_id", kind="command")
class RecordApplicationOpinion(ContractModel):
    """Record an avis on a dossier of a programme the partner advises on (ADEME on the Fonds vert); never a decision."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    opinion: Opinion = OPINION
    text: FrenchSentence = TEXT
    partner_reference: PartnerReference = f.PARTNER_REFERENCE


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id")
class ApplicationOpinionRecorded(ContractModel):
    """An avis was recorded in a dossier's history (the dossier's state is unchanged: those who advise never decide)."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    opinion: Opinion = OPINION
    text: FrenchSentence = TEXT
    author: AdviserName = Field(description="Partner slug or staff role with its scope", examples=["ademe"])
    recorded_at: UtcDatetime = Field(description="When it was recorded", examples=["2024-02-15T10:00:00Z"])
