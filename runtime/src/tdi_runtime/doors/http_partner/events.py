"""The HTTP binding of CloudEvents, read into the very record the Kafka door reads (pure: no I/O).

Structured mode (`application/cloudevents+json`): one JSON object, every attribute beside `data`. Batch mode
(`application/cloudevents-batch+json`): a JSON array of such objects. Each event becomes the Kafka record a partner
would publish (binary mode: `ce_*` headers, the command's key, `data` as the value) and goes through the Kafka
edge's own checks (`delivery.decode_record`: contracts, type grammar, key rule, control characters; then
`PartnerIngressFeedback.admit`: producer, `ce_source`, command granted), never a copy of them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from tdi_contracts.envelope import REASONS, ErrorCode, payload_model_for, spec_for
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_ingress_topic
from tdi_runtime.delivery import Delivery, Violation, decode_record
from tdi_runtime.errors import DomainError
from tdi_runtime.partners import PartnerIngressFeedback

STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"

ATTRIBUTES = {
    "specversion": "ce_specversion",
    "id": "ce_id",
    "source": "ce_source",
    "type": "ce_type",
    "time": "ce_time",
    "subject": "ce_subject",
    "datacontenttype": "content-type",
    "correlationid": "ce_correlationid",
    "causationid": "ce_causationid",
    "schemaversion": "ce_schemaversion",
    "producer": "ce_producer",
}
"""CloudEvents attribute (the JSON format's name; extensions: lower-case letters and digits) -> Kafka header."""
_ATTRIBUTE_OF = {header: attribute for attribute, header in ATTRIBUTES.items()}
_MAJOR = re.compile(r"\.v([0-9]{1,3})$")


@dataclass(frozen=True, slots=True)
class Record:
    """The Kafka record of one event, as the partner would publish it (no place yet: partition and offset -1)."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    partition: int = -1
    offset: int = -1


@dataclass(frozen=True, slots=True)
class Checked:
    """One event of a request: admitted (`record`, `delivery`) or refused at the door (`violation`)."""

    index: int
    event_id: str | None
    source: str | None
    record: Record | None = None
    delivery: Delivery | None = None
    violation: Violation | None = field(default=None)


def receipt_id(source: str, event_id: str) -> str:
    """A stable id of the event (CloudEvents makes source + id unique): the same event, the same receipt."""
    return hashlib.sha256(f"{source}\n{event_id}".encode()).hexdigest()[:32]


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_body(content_type: str | None, body: bytes, max_events: int) -> tuple[bool, list[Any]]:
    """(is a batch, the events as JSON values); UNSUPPORTED_MEDIA_TYPE, MALFORMED_REQUEST, NOT_A_CLOUDEVENT (a batch
    that is not an array), PARTNER_BATCH_TOO_LARGE. An event that is not an object is refused on its own (`check`)."""
    kind = media_type(content_type)
    if kind not in (STRUCTURED, BATCH):
        raise DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, f"Attendu : {STRUCTURED} ou {BATCH}.")
    try:
        document = json.loads(body)
    except ValueError:  # not UTF-8 or not JSON
        raise DomainError(ErrorCode.MALFORMED_REQUEST) from None
    if kind == STRUCTURED:
        return False, [document]
    if not isinstance(document, list):
        raise DomainError(ErrorCode.NOT_A_CLOUDEVENT, "Un lot est un tableau JSON d'événements.")
    if len(document) > max_events:
        detail = f"Au plus {max_events} événements par requête ; reçu : {len(document)}."
        raise DomainError(ErrorCode.PARTNER_BATCH_TOO_LARGE, detail)
    return True, document


def _given(item: Any, attribute: str) -> str | None:
    """An attribute as the caller gave it, when it is text (quoted back as the caller sent it: JSON escapes it)."""
    value = item.get(attribute) if isinstance(item, dict) else None
    return value[:256] if isinstance(value, str) else None


def _refused(index: int, item: Any, code: ErrorCode, detail: str) -> Checked:
    violation = Violation(code.value, f"{REASONS[code]} {detail}")
    return Checked(index, _given(item, "id"), _given(item, "source"), violation=violation)


def _key_of(event_type: str, value: bytes) -> bytes | None:
    """The command's key, by the key rule of its type (an HTTP caller sends no key); None when the payload cannot
    be read: `decode_record` then says why (unknown type, invalid payload) before any key is compared."""
    try:
        payload = payload_model_for(event_type).model_validate_json(value)
        key = spec_for(event_type).key_of(payload)
    except (ValueError, LookupError):  # ContractViolation and pydantic's ValidationError are ValueErrors
        return None
    return None if key is None else key.encode()


def _headers(item: dict[str, Any], partner: Partner) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The `ce_*` headers of the attributes given, the extensions a partner need not send filled in (producer: the
    caller; correlation and causation: the event's id; schema version: the type's `v<major>`), and the attributes
    that are not text."""
    texts: dict[str, str] = {}
    wrong = []
    for attribute, header in ATTRIBUTES.items():
        if attribute not in item:
            continue
        value = item[attribute]
        if isinstance(value, bool) or not isinstance(value, str | int):
            wrong.append(attribute)
            continue
        texts[header] = str(value)
    event_id, event_type = texts.get("ce_id"), texts.get("ce_type")
    texts.setdefault("ce_producer", partner.value)
    texts.setdefault("content-type", "application/json")
    if event_id is not None:
        texts.setdefault("ce_correlationid", event_id)
        texts.setdefault("ce_causationid", event_id)
    major = _MAJOR.search(event_type or "")
    texts.setdefault("ce_schemaversion", major.group(1) if major is not None else "1")  # a bad type: its own error
    return [(header, text.encode("utf-8", "surrogatepass")) for header, text in texts.items()], wrong


def _named_by_attribute(violation: Violation) -> Violation:
    """A violation whose field errors name the HTTP attributes (`id`) rather than the Kafka headers (`ce_id`)."""
    errors = violation.details.get("field_errors")
    if not errors:
        return violation
    renamed = [
        {**e, "path": _ATTRIBUTE_OF.get(e.get("path", ""), e.get("path", ""))} if isinstance(e, dict) else e
        for e in errors
    ]
    return Violation(violation.code, violation.reason, {**violation.details, "field_errors": renamed})


def check(index: int, item: Any, partner: Partner, service: str, feedback: PartnerIngressFeedback) -> Checked:
    """One event read as its Kafka record and checked by the Kafka edge: admitted, or refused with its code."""
    if not isinstance(item, dict):
        return _refused(index, item, ErrorCode.NOT_A_CLOUDEVENT, "Un objet JSON est attendu.")
    if "data_base64" in item or not isinstance(item.get("data"), dict):
        return _refused(index, item, ErrorCode.NOT_A_CLOUDEVENT, "Le champ data doit être un objet JSON (la commande).")
    headers, wrong = _headers(item, partner)
    if wrong:
        detail = f"Attributs qui ne sont pas du texte : {', '.join(sorted(wrong))}."
        return _refused(index, item, ErrorCode.INVALID_HEADER, detail)
    try:
        value = json.dumps(item["data"], ensure_ascii=False, separators=(",", ":")).encode()
    except (ValueError, UnicodeEncodeError):  # a lone surrogate (the edge refuses them before: belt and braces)
        return _refused(index, item, ErrorCode.INVALID_PAYLOAD, "Le champ data contient un caractère invalide.")
    event_type = next((v.decode("utf-8", "replace") for h, v in headers if h == "ce_type"), "")
    record = Record(partner_ingress_topic(partner, service), _key_of(event_type, value), value, headers)
    delivery = decode_record(record)
    violation = delivery.violation or feedback.admit(delivery)
    read = delivery.envelope is not None
    event_id = delivery.event_id if read else _given(item, "id")
    source = delivery.source if read else _given(item, "source")
    if violation is not None:
        return Checked(index, event_id, source, violation=_named_by_attribute(violation))
    return Checked(index, event_id, source, record, delivery)
