"""The CloudEvents 1.0 envelope model and its Kafka binary-mode headers (`ce_*`), without the registry."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import uuid4

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from .base import TYPE_PATTERN
from .errors import ContractViolation, ErrorCode
from .field_errors import field_errors
from .fields import Token, UtcDatetime
from .kafka_headers import HEADER_FIELDS, read_ce_headers
from .reference.partners import Partner
from .topics import SERVICES

CE_TYPE_PATTERN = r"^[A-Za-z][A-Za-z0-9._-]{0,199}$"
"""The CloudEvents types the platform reads: a reverse-DNS name (letters, digits, '.', '-', '_'), 1-200 characters.

Its own are `fr.territoires-industrie.<service>.<Name>.v<major>` (`TYPE_PATTERN`); any other name of this grammar
is an unknown type (UNKNOWN_EVENT_TYPE), anything else (a space, a line break, a NUL, an accent) an invalid
`ce_type` header (INVALID_HEADER): such a type is never quoted in an answer.
"""

PRODUCERS = frozenset((*SERVICES, "platform", *(p.value for p in Partner)))
"""Who may produce: a service name, "platform" (shared runtime: dead letters, feedback), or a partner slug."""


_MAJOR = re.compile(rb"[1-9][0-9]{0,2}")


def _major_version(value: object) -> object:
    """A header's text must be the digits of the version: no sign, zero, space or control character around it
    (an int parser strips a line break, a tab or U+0085 around the digits and accepts them)."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes):
        if _MAJOR.fullmatch(value) is None:
            raise PydanticCustomError("string_pattern_mismatch", "digits expected", {"pattern": "^[1-9][0-9]{0,2}$"})
        return int(value)
    return value


def _known_producer(value: str) -> str:
    if value not in PRODUCERS:
        raise ValueError(f"unknown producer {value!r}: a service name or a partner slug is expected")
    return value


class Envelope(BaseModel):
    """CloudEvents attributes (id, source, type, specversion, time, subject, datacontenttype), extensions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Token = Field(description="Unique id of this event, chosen by its producer", examples=["BPI-EVT-42"])
    source: str = Field(
        pattern=r"^(/|[A-Za-z][A-Za-z0-9+.-]*:)[!-~]{0,250}$",
        description="URI-reference of the producing system",
        examples=["/partners/ademe"],
    )
    type: str = Field(
        pattern=CE_TYPE_PATTERN,
        description="Type of the event: a reverse-DNS name, 1-200 letters, digits, '.', '-' or '_'",
        examples=["fr.territoires-industrie.funding.GrantCommitted.v1"],
    )
    specversion: Literal["1.0"] = "1.0"
    time: UtcDatetime = Field(description="When it happened, UTC", examples=["2024-01-15T09:30:00Z"])
    subject: Token = Field(description="Id of the aggregate the event is about", examples=["ti-8413"])
    datacontenttype: Literal["application/json"] = "application/json"
    correlation_id: Token = Field(description="Id shared by every message of one business flow")
    causation_id: Token = Field(description="Id of the message that caused this one (its own id at the root)")
    schema_version: Annotated[int, BeforeValidator(_major_version)] = Field(
        ge=1, le=999, description="Major version of the payload schema, as in the type"
    )
    producer: Annotated[str, AfterValidator(_known_producer)] = Field(examples=["funding", "bpifrance"])

    @classmethod
    def new(
        cls,
        type_: str,
        subject: str,
        producer: str,
        *,
        cause: "Envelope | None" = None,
        causation_id: str | None = None,
        correlation_id: str | None = None,
    ) -> "Envelope":
        """A fresh envelope (new uuid, now); correlation and causation follow `cause` when given, or the ids
        given (a message whose envelope could not be read: its ce_id, its correlation id, or its place)."""
        event_id = str(uuid4())
        return cls(
            id=event_id,
            source=f"/tdi/{producer}",
            type=type_,
            time=datetime.now(UTC),
            subject=subject,
            correlation_id=cause.correlation_id if cause else (correlation_id or causation_id or event_id),
            causation_id=cause.id if cause else (causation_id or event_id),
            schema_version=int(type_.rsplit(".v", 1)[-1]) if TYPE_PATTERN.match(type_) else 1,
            producer=producer,
        )

    def to_kafka_headers(self) -> list[tuple[str, bytes]]:
        """Binary-mode headers of the CloudEvents Kafka binding; the payload travels as the value."""
        time = self.time.astimezone(UTC).isoformat().replace("+00:00", "Z")
        pairs = [("ce_specversion", self.specversion), ("ce_id", self.id), ("ce_source", self.source)]
        pairs += [("ce_type", self.type), ("ce_time", time), ("ce_subject", self.subject)]
        pairs += [("content-type", self.datacontenttype), ("ce_correlationid", self.correlation_id)]
        pairs += [("ce_causationid", self.causation_id), ("ce_schemaversion", str(self.schema_version))]
        pairs += [("ce_producer", self.producer)]
        return [(name, value.encode()) for name, value in pairs]

    @classmethod
    def from_kafka_headers(cls, headers: Sequence[tuple[str, bytes | None]]) -> "Envelope":
        """Read the envelope back; ContractViolation MISSING_HEADER or INVALID_HEADER names the header."""
        return _fast_envelope(headers) or _careful_envelope(headers)


def _careful_envelope(headers: Sequence[tuple[str, bytes | None]]) -> Envelope:
    """Every header read one by one (case-insensitive, duplicates compared), each error named by its header."""
    values = read_ce_headers(headers)
    try:
        return Envelope.model_validate(values)
    except ValidationError as exc:
        names = {f: h for h, f in HEADER_FIELDS.items()}
        errors = tuple(e.model_copy(update={"path": names.get(e.path, e.path)}) for e in field_errors(exc))
        detail = f"En-tête(s) {', '.join(e.path for e in errors)}."
        raise ContractViolation(ErrorCode.INVALID_HEADER, detail, errors) from None


def _fast_envelope(headers: Sequence[tuple[str, bytes | None]]) -> Envelope | None:
    """The envelope of a well-formed record in one pydantic-core call, or None to take the careful path.

    Only for the common case: each header name once, every `ce_*` header spelled in lower case, specversion
    and content type at their only valid value (the model's defaults, so they are left out). The other values
    go to the validator as bytes (pydantic-core decodes UTF-8 strictly, as `read_ce_headers` does). Anything
    unusual, and any validation error, returns None: `_careful_envelope` then decides, with
    their exact codes and messages, so the result is the same either way; only the time differs.
    """
    by_name = dict(headers)
    if (
        len(by_name) != len(headers)  # a header name appears twice: the careful path compares the copies
        or by_name.get("ce_specversion") != b"1.0"
        or by_name.get("content-type") != b"application/json"
    ):
        return None
    if len(by_name) != len(HEADER_FIELDS) and any(
        name not in HEADER_FIELDS and name.lower() in HEADER_FIELDS for name in by_name
    ):
        return None  # a ce_* header in another case as well: the careful path reads it case-insensitively
    try:
        values = {
            "id": by_name["ce_id"],
            "source": by_name["ce_source"],
            "type": by_name["ce_type"],
            "time": by_name["ce_time"],
            "subject": by_name["ce_subject"],
            "correlation_id": by_name["ce_correlationid"],
            "causation_id": by_name["ce_causationid"],
            "schema_version": by_name["ce_schemaversion"],
            "producer": by_name["ce_producer"],
        }
        return _ENVELOPE_VALIDATOR.validate_python(values)  # type: ignore[no-any-return]
    except (KeyError, ValidationError):
        return None


_ENVELOPE_VALIDATOR = Envelope.__pydantic_validator__
