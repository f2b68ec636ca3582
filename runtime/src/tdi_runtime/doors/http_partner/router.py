"""The routes of the partners' HTTP door: `POST /partner-events`, `GET /partner-events/receipts/{receipt_id}`.

```python
create_service_app(settings, ..., routers=[build_router(), partner_door("vte", group=consumer_group)])
```
The caller authenticates as its partner: a per-partner static token (`TDI_<S>_PARTNER_TOKENS`: its SHA-256 ->
partner) or an OIDC client-credentials JWT verified as staff tokens are (`auth.verified_claims`) whose claim
`TDI_<S>_PARTNER_JWT_CLAIM` (`tdi_partner`) names the partner.
"""

import asyncio
from typing import Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from tdi_contracts.errors import ErrorCode, http_status_of
from tdi_runtime.doors.http_partner import receipts
from tdi_runtime.doors.http_partner.events import BATCH, STRUCTURED, check, parse_body
from tdi_runtime.doors.http_partner.identity import partner_of
from tdi_runtime.doors.http_partner.settings import PartnerDoorSettings
from tdi_runtime.errors import DomainError
from tdi_runtime.http import error_body
from tdi_runtime.http_access import URL_TOKEN_REFUSED, _declare, bearer, documented
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.pipeline.caller import PARTNER_ROLE, Caller

_KNOWN = frozenset(c.value for c in ErrorCode)
_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["specversion", "id", "source", "type", "time", "subject", "data"],
    "properties": {
        "specversion": {"type": "string", "enum": ["1.0"]},
        "id": {"type": "string", "description": "Your unique id of this event (1-128 printable ASCII, no space)"},
        "source": {"type": "string", "description": "/partners/<your slug> or a path below it"},
        "type": {"type": "string", "example": "fr.territoires-industrie.vte.RecordVteContract.v2"},
        "time": {"type": "string", "format": "date-time"},
        "subject": {"type": "string", "description": "x-tdi-subject of the command's schema"},
        "datacontenttype": {"type": "string", "enum": ["application/json"]},
        "correlationid": {"type": "string", "description": "Default: id"},
        "causationid": {"type": "string", "description": "Default: id"},
        "schemaversion": {"type": "string", "description": "Default: the v<major> of type"},
        "producer": {"type": "string", "description": "Default: your partner slug"},
        "data": {"type": "object", "description": "The command: contracts/schemas/<type>.json"},
    },
}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            STRUCTURED: {"schema": _EVENT_SCHEMA},
            BATCH: {"schema": {"type": "array", "items": _EVENT_SCHEMA}},
        },
    }
}


def partner_door(service: str, *, group: str, settings: PartnerDoorSettings | None = None) -> APIRouter:
    """The door of `service` (its partners' ingress topics `tdi.partner.<partner>.<service>.v1`); `group`: the
    consumer group reading them, whose inbox says what became of each event."""
    door = settings or PartnerDoorSettings.for_service(service)
    feedback = PartnerIngressFeedback(service)
    router = APIRouter(tags=["partner door"])

    async def guard(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        if "access_token" in request.query_params:
            raise DomainError(ErrorCode.ACCESS_TOKEN_IN_URL, URL_TOKEN_REFUSED)
        if credentials is None or not credentials.credentials:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Ajoutez l'en-tête Authorization: Bearer <jeton>.")
        partner = await partner_of(credentials.credentials, door, request.app.state.runtime.settings)
        return Caller.of_partner(partner)

    partner_guard = _declare(guard, (PARTNER_ROLE,), "partner", write=True)

    @router.post(
        "/partner-events",
        status_code=202,
        response_model=receipts.Receipts,
        openapi_extra=_BODY,
        responses={
            400: {"description": "MALFORMED_REQUEST, NOT_A_CLOUDEVENT (or the Kafka door's code of a single event)"},
            413: {"description": "REQUEST_TOO_LARGE, PARTNER_BATCH_TOO_LARGE"},
            415: {"description": "UNSUPPORTED_MEDIA_TYPE"},
            422: {
                "description": "A single event refused: the Kafka door's code (SOURCE_MISMATCH, COMMAND_NOT_ALLOWED…)"
            },
            503: {"description": "SERVICE_UNAVAILABLE: Kafka or the database away; send again (same ids)"},
        },
    )
    async def post_events(request: Request, caller: Annotated[Caller, Depends(partner_guard)]) -> Any:
        """Send one command (`application/cloudevents+json`) or a batch (`application/cloudevents-batch+json`), as a
        partner would publish it on Kafka: each is checked as the Kafka door checks it and produced onto your ingress
        topic, then applied by the same consumer. 202: one receipt per event (`pending`; `rejected` at once for an
        event refused here, with the code and French reason the feedback topic would carry). A single event refused
        here answers its code's status instead."""
        assert caller.partner is not None
        batch, items = parse_body(request.headers.get("content-type"), await request.body(), door.max_batch_events)
        checked = [check(i, item, caller.partner, service, feedback) for i, item in enumerate(items)]
        if not batch and checked[0].violation is not None:
            violation = checked[0].violation
            answer = receipts.refused(checked[0])
            errors = [{"field": e.path, "code": e.code, "message": e.message} for e in answer.field_errors]
            status = http_status_of(ErrorCode(violation.code)) if violation.code in _KNOWN else 422
            return JSONResponse(error_body(violation.code, violation.reason, errors), status_code=status)
        admitted = [c for c in checked if c.violation is None]
        pending: dict[int, receipts.Receipt] = {}
        if admitted:
            rt = request.app.state.runtime
            async with rt.pool.acquire() as conn:
                saved = await receipts.save(conn, caller.partner, admitted)
            pending = {c.index: r for c, r in zip(admitted, saved, strict=True)}
            await _produce(rt.producer, admitted)
        answers = [pending[c.index] if c.index in pending else receipts.refused(c) for c in checked]
        return JSONResponse(receipts.Receipts(receipts=answers).model_dump(mode="json"), status_code=202)

    @router.get("/partner-events/receipts/{receipt_id}", response_model=receipts.Receipt)
    async def get_receipt(
        request: Request,
        caller: Annotated[Caller, Depends(partner_guard)],
        receipt_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
    ) -> receipts.Receipt:
        """What became of an event you sent: `pending`, `accepted` (with the resulting ids) or `rejected` (the code
        and French reason of your feedback topic's answer). Only your own receipts: another's is not found."""
        assert caller.partner is not None
        async with request.app.state.runtime.pool.acquire() as conn:
            found = await receipts.status(conn, group, caller.partner, receipt_id)
        if found is None:
            raise DomainError(ErrorCode.RECEIPT_NOT_FOUND)
        return found

    return documented(router)


async def _produce(producer: Any, admitted: list[Any]) -> None:
    """Every admitted event onto its ingress topic, all in flight at once (idempotent producer, acks=all)."""
    try:
        futures = [
            await producer.send(c.record.topic, value=c.record.value, key=c.record.key, headers=c.record.headers)
            for c in admitted
        ]
        await asyncio.gather(*futures)
    except KafkaError as error:
        raise DomainError(ErrorCode.SERVICE_UNAVAILABLE, f"({type(error).__name__})") from error
