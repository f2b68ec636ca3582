"""What describes a fiche action besides its categories and budget (a value object, pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.actions import LeadKind, Maturity
from tdi_runtime.errors import DomainError

_PERSON = re.compile(r"^(m\.|mr\.?|mme\.?|mlle\.?|monsieur|madame|mademoiselle)(\s|$)", re.IGNORECASE)


@dataclass(frozen=True)
class FicheDetails:
    """What describes an action besides its categories and budget. The lead is a role or an organisation."""

    title: str
    description: str = ""
    maturity: Maturity = Maturity.IDEA
    lead_kind: LeadKind = LeadKind.ORGANISATION
    lead: str = "Territoire"
    partners: tuple[str, ...] = ()
    expected_jobs: int | None = None
    expected_investment_cents: int | None = None
    funding_application_ids: tuple[UUID, ...] = ()

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise DomainError(ErrorCode.INVALID_FICHE_ACTION, "Une fiche action doit avoir un titre.", field="title")
        if _PERSON.match(self.lead.strip()):
            message = f"Le porteur « {self.lead} » désigne une personne : indiquez un rôle ou une organisation."
            raise DomainError(ErrorCode.LEAD_IS_A_PERSON, message, field="lead")
