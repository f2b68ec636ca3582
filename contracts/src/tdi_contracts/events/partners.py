"""Feedback to partners on their feedback topic: exactly one answer per event they published."""

from enum import StrEnum
from uuid import UUID

from pydantic import Field

from ..base import ContractModel, contract
from ..errors import ErrorCodeV1, FieldError, OpenErrorCode
from ..fields import FrenchSentence, Token, TypeName, UtcDatetime
from ..reference import Partner
from ..topics import PARTNER_FEEDBACK_TOPICS, names

FEEDBACK = names(PARTNER_FEEDBACK_TOPICS)

PARTNER = Field(description="The partner the answer is for", examples=["bpifrance"])
EVENT_ID = Field(
    description="ce_id of the partner's event this answers (also the Kafka key)",
    examples=["BPI-EVT-2024-000777"],
)


class ResultKind(StrEnum):
    """What kind of record an accepted command created or changed."""

    APPLICATION = "application"
    GRANT = "grant"
    PAYMENT = "payment"
    VTE_CONTRACT = "vte-contract"


class AcceptanceStatus(StrEnum):
    """What an accepted event led to: applied, or recorded with its decision held (`pending_code` says why)."""

    APPLIED = "applied"
    PENDING = "pending"


class ResultingId(ContractModel):
    """A platform id resulting from an accepted command, to quote in later commands."""

    kind: ResultKind = Field(description="Kind of record", examples=["application"])
    id: UUID = Field(description="Its platform id", examples=["9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c05"])


@contract(service="partners", topics=FEEDBACK, subject="partner_event_id", key="partner_event_id")
class PartnerEventAccepted(ContractModel):
    """The partner's event was applied, exactly once; a redelivery gets this same answer again."""

    partner: Partner = PARTNER
    partner_event_id: Token = EVENT_ID
    partner_event_type: TypeName = Field(
        description="ce_type of the partner's event",
        examples=["fr.territoires-industrie.funding.FileApplication.v1"],
    )
    resulting_ids: list[ResultingId] = Field(
        max_length=10,
        description="Platform ids created or changed",
        examples=[[{"kind": "application", "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c05"}]],
    )
    accepted_at: UtcDatetime = Field(description="When it was applied", examples=["2024-01-15T09:30:02Z"])
    notes: list[FrenchSentence] = Field(
        default_factory=list,
        max_length=5,
        description="What the platform decided otherwise than asked (e.g. an amount granted up to its cap)",
        examples=[["Complément « VTE vert » demandé : 9 500,00 € ; accordé : 8 000,00 € (plafond du dispositif)."]],
    )
    status: AcceptanceStatus = Field(
        default=AcceptanceStatus.APPLIED,
        description="applied; or pending: the event is recorded but its decision is held until what it waits for is"
        " known (why: `pending_code` and `notes`); the decision follows as a domain event, with no second answer",
        examples=["pending"],
    )
    pending_code: OpenErrorCode | None = Field(
        default=None,
        description="Why the decision is held, a stable code of ErrorCode (status pending only)",
        examples=["TERRITORY_PERIMETER_PENDING"],
    )


@contract(
    service="partners", topics=FEEDBACK, subject="partner_event_id", key="partner_event_id", name="PartnerEventRejected"
)
class PartnerEventRejectedV1(ContractModel):
    """The partner's event was not applied: a stable code (closed v1 list), a French sentence, the fields at fault."""

    partner: Partner = PARTNER
    partner_event_id: Token = EVENT_ID
    partner_event_type: TypeName | None = Field(
        default=None,
        description="ce_type of the partner's event, when it could be read",
        examples=["fr.territoires-industrie.funding.FileApplication.v1"],
    )
    code: ErrorCodeV1 = Field(description="Why, as a stable code (see the README)", examples=["INVALID_PAYLOAD"])
    reason: FrenchSentence = Field(
        description="Why, in French",
        examples=["Le contenu du message ne respecte pas le schéma de l'événement."],
    )
    field_errors: list[FieldError] = Field(
        default_factory=list,
        max_length=50,
        description="Field-level reasons, for INVALID_PAYLOAD",
        examples=[[{"path": "requested_cents", "code": "money_not_integer_cents", "message": "Montant invalide."}]],
    )
    rejected_at: UtcDatetime = Field(description="When it was rejected", examples=["2024-01-15T09:30:02Z"])


@contract(
    service="partners",
    topics=FEEDBACK,
    subject="partner_event_id",
    key="partner_event_id",
    version=2,
    name="PartnerEventRejected",
)
class PartnerEventRejected(PartnerEventRejectedV1):
    """The partner's event was not applied: a stable code, a French sentence and the fields at fault.

    v2: `code` is an open set (any code of ErrorCode, which grows): treat a code you do not know yet as a
    rejection to read the French reason of.
    """

    code: OpenErrorCode = Field(  # type: ignore[assignment]
        description="Why, as a stable code of ErrorCode (open list: see the README)", examples=["INVALID_PAYLOAD"]
    )
