"""`POST /ds/webhook/<secret>`: Démarches simplifiées says a dossier changed state; the door polls at once.

DS's webhook is unsigned and deprecated (« utilisez l'API GraphQL en faisant du polling »): its body
(`procedure_id, dossier_id, state, updated_at`, form-encoded) is never trusted. The checks: the path's secret
(a capability URL, compared in constant time; wrong or unset: 404, as any unknown address), `procedure_id` must be
a démarche the door reads (else 422 `DS_UNKNOWN_DEMARCHE`); then it only triggers a poll of that démarche, which
reads the dossiers through the authenticated API (debounced by the door: `webhook_debounce_s`). Body size is the
kit's edge limit.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Protocol
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.doors.demarches.settings import DemarchesSettings

_FORM = "application/x-www-form-urlencoded"


class Triggerable(Protocol):
    def trigger(self, demarche: int) -> bool: ...


def _error(status: int, code: ErrorCode, message: str | None = None, field: str | None = None) -> JSONResponse:
    body: dict[str, object] = {"code": code.value, "message": message or REASONS[code]}
    if field is not None:
        body["errors"] = [{"field": field, "code": "invalid", "message": message or REASONS[code]}]
    return JSONResponse(body, status_code=status)


def webhook_router(
    settings: DemarchesSettings, demarches: frozenset[int], door: Callable[[], Triggerable | None]
) -> APIRouter:
    """The route, for the service's `routers`; `door()` is the running door (None before start)."""
    router = APIRouter(tags=["démarches simplifiées"], include_in_schema=False)

    @router.post("/ds/webhook/{secret}")
    async def ds_webhook(secret: str, request: Request) -> JSONResponse:
        configured = settings.webhook_secret
        if configured is None or not hmac.compare_digest(
            secret.encode("utf-8", "surrogateescape"), configured.get_secret_value().encode()
        ):
            return _error(404, ErrorCode.NOT_FOUND, "Cette adresse n'existe pas.")
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != _FORM:
            return _error(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, f"Le contenu doit être un formulaire ({_FORM}).")
        form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=20)
        procedure = (form.get("procedure_id") or [""])[0].strip()
        if not (procedure.isascii() and procedure.isdigit() and len(procedure) <= 9):
            sentence = "La requête est invalide (champs en cause : procedure_id)."
            return _error(422, ErrorCode.INVALID_REQUEST, sentence, "procedure_id")
        demarche = int(procedure)
        if demarche not in demarches:
            return _error(422, ErrorCode.DS_UNKNOWN_DEMARCHE, field="procedure_id")
        running = door()
        if running is None:
            return _error(503, ErrorCode.SERVICE_UNAVAILABLE)
        running.trigger(demarche)
        return JSONResponse({"status": "poll-scheduled", "demarche": demarche}, status_code=202)

    return router
