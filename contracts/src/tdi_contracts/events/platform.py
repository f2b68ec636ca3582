"""Dead-letter records: a message a consumer group could not apply, kept with its reason for replay."""

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from ..base import ContractModel, contract
from ..errors import ErrorCodeV1, OpenErrorCode
from ..fields import FrenchSentence, UtcDatetime
from ..topics import DLQ_TOPICS, names


class ValueKept(StrEnum):
    """What a dead letter keeps of the refused value (never the raw bytes: they may hold personal data)."""

    CONTRACT = "contract"
    NONE = "none"


Base64 = Annotated[str, StringConstraints(max_length=1_400_000, pattern=r"^[A-Za-z0-9+/]*={0,2}$")]


class HeaderCopy(ContractModel):
    """One Kafka header of the original message (value decoded as UTF-8, undecodable bytes escaped)."""

    name: str = Field(max_length=200, description="Header name", examples=["ce_type"])
    value: str = Field(
        max_length=4000,
        description="Header value",
        examples=["fr.territoires-industrie.funding.CommitGrant.v1"],
    )


@contract(
    service="platform",
    topics=names(DLQ_TOPICS),
    subject="dead_letter_id",
    key="original_key",
    name="MessageDeadLettered",
)
class MessageDeadLetteredV1(ContractModel):
    """A consumer group set a message aside: it was neither applied nor dropped (replay it once fixed)."""

    dead_letter_id: UUID = Field(description="Id of this record", examples=["0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"])
    consumer_group: str = Field(
        pattern=r"^tdi-[a-z]+$", max_length=40, description="Group that failed", examples=["tdi-funding"]
    )
    original_topic: str = Field(max_length=249, description="Topic of the message", examples=["tdi.partner.ademe.v1"])
    original_partition: int = Field(ge=0, le=10_000, description="Partition of the message", examples=[2])
    original_offset: int = Field(ge=0, le=2**63 - 1, description="Offset of the message", examples=[1042])
    original_key: str | None = Field(
        max_length=1000, description="Kafka key of the message, kept as the key here", examples=["ti-8413"]
    )
    original_headers: list[HeaderCopy] = Field(
        max_length=100,
        description="Headers of the message",
        examples=[[{"name": "ce_type", "value": "fr.territoires-industrie.funding.CommitGrant.v1"}]],
    )
    original_value_base64: Base64 = Field(description="Value of the message, base64", examples=["eyJ4IjogMX0="])
    code: ErrorCodeV1 = Field(description="Why it failed, as a stable code", examples=["INVALID_PAYLOAD"])
    reason: FrenchSentence = Field(
        description="Why, in French",
        examples=["Le contenu du message ne respecte pas le schéma de l'événement."],
    )
    attempts: int = Field(ge=1, le=1000, description="How many times it was tried", examples=[1])
    failed_at: UtcDatetime = Field(description="When it was set aside", examples=["2024-01-15T09:30:05Z"])


@contract(
    service="platform",
    topics=names(DLQ_TOPICS),
    subject="dead_letter_id",
    key="original_key",
    version=2,
    name="MessageDeadLettered",
)
class MessageDeadLettered(MessageDeadLetteredV1):
    """A consumer group set a message aside: it was neither applied nor dropped (replay it once fixed).

    v2: `code` is an open set (any code of ErrorCode, which grows); `attempts` counts this delivery and the
    re-drives before it. `original_value_kept` says what `original_value_base64` holds: since it was added, never
    the raw value (it may hold personal data the contracts drop), only its contract form, or nothing.
    """

    code: OpenErrorCode = Field(  # type: ignore[assignment]
        description="Why it failed, as a stable code of ErrorCode (open list)", examples=["INVALID_PAYLOAD"]
    )
    original_value_bytes: int | None = Field(
        default=None,
        ge=0,
        description="Length of the original value (original_value_base64 holds what original_value_kept says)",
        examples=[1042],
    )
    original_value_sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the whole original value, hex (identifies it when the copy is a prefix)",
        examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    )
    original_value_kept: ValueKept | None = Field(
        default=None,
        description=(
            "What original_value_base64 holds: 'contract', the payload as its contract reads it (fields the contract"
            " does not know removed), re-encoded; 'none', nothing (the value could not be read against the"
            " contract, or its contract form is above 64 KiB). Absent (dead letters written before): the first"
            " 64 KiB of the raw value"
        ),
        examples=["contract"],
    )
