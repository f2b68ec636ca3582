"""HTTP routes of the webhooks: subscribe, list, delete, enable again, the delivery log, and the catch-up feed
(`GET /api/webhooks/{id}/events?after=`: the very payloads the webhook gets, by cursor).

National staff manage every subscription; a regional or territory dashboard and a partner (its HTTP identity: the
partners' door's, `TDI_REPORTING_PARTNER_TOKENS` / `_PARTNER_JWT_CLAIM`) their own only, within what they read
elsewhere (`owners.py`)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tdi_contracts.errors import ErrorCode
from tdi_reporting.handlers import registry_for
from tdi_reporting.webhooks import store, stream
from tdi_reporting.webhooks.owners import OWNER_ROLES, Owner
from tdi_runtime.doors.http_partner import PartnerDoorSettings
from tdi_runtime.doors.http_partner.identity import staff_or_partner
from tdi_runtime.doors.webhooks import check_target, new_secret
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import documented
from tdi_runtime.pipeline.caller import Caller

_SCOPE = "its own subscriptions (national staff: every one)"


class NewSubscription(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="https URL of the receiver", examples=["https://example.org/tdi"])
    event_types: list[str] = Field(
        min_length=1,
        max_length=200,
        description="CloudEvents types of the contracts (those reporting folds), or `alert` for the alerts",
        examples=[["fr.territoires-industrie.funding.GrantCommitted.v1", "alert"]],
    )
    description: str = Field(default="", max_length=500, description="What the receiver is for (no personal data)")


def _known_types(request: Request) -> set[str]:
    return {*registry_for(request.app.state.reporting.definition).types, stream.ALERT_TYPE}


def _pool(request: Request) -> Any:
    return request.app.state.runtime.pool


def build_webhooks_router(door: PartnerDoorSettings | None = None) -> APIRouter:
    """`door`: how partners authenticate (default `PartnerDoorSettings.for_service("reporting")`)."""
    door = door or PartnerDoorSettings.for_service("reporting")
    owner_write = staff_or_partner(roles=OWNER_ROLES, door=door, scope=_SCOPE, write=True)
    owner_read = staff_or_partner(roles=OWNER_ROLES, door=door, scope=_SCOPE, write=False)
    router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])

    @router.post("", status_code=201)
    async def subscribe(
        request: Request, body: NewSubscription, caller: Caller = Depends(owner_write)
    ) -> dict[str, Any]:
        """Subscribe an endpoint to event types: the answer holds its `id`, its `owner` (the caller) and its signing
        `secret` (`whsec_…`, Standard Webhooks), shown this once. Deliveries start after the events already known.
        A regional or territory caller may subscribe to `alert`, a partner to the answers to its own events."""
        owner = Owner.of(caller)
        known = _known_types(request)
        unknown = sorted(set(body.event_types) - known)
        if unknown:
            raise DomainError(
                ErrorCode.UNKNOWN_EVENT_TYPE,
                "Un type d'événement demandé n'est ni un événement du domaine ni « alert ».",
                field="event_types",
                value=unknown[0],
            )
        owner.require_types(body.event_types)
        options = request.app.state.reporting
        await check_target(body.url, options.webhook_allowed_hosts)
        secret = new_secret()
        types = sorted(set(body.event_types))
        async with _pool(request).acquire() as conn:
            created = await store.create(conn, body.url, types, body.description, secret, owner)
        return {**created, "secret": secret}

    @router.get("")
    async def subscriptions(request: Request, caller: Caller = Depends(owner_read)) -> dict[str, Any]:
        """Every subscription (national staff) or the caller's own, and its state (enabled, disabled since when and why,
        cursor, failures); no secret."""
        owner = None if caller.role == "national" else Owner.of(caller)
        async with _pool(request).acquire() as conn:
            return {"webhooks": await store.list_all(conn, owner)}

    @router.delete("/{subscription_id}")
    async def unsubscribe(
        request: Request, subscription_id: uuid.UUID, caller: Caller = Depends(owner_write)
    ) -> dict[str, Any]:
        """Delete a subscription and its delivery log."""
        async with _pool(request).acquire() as conn:
            await store.one(conn, subscription_id, caller)
            await store.delete(conn, subscription_id)
        return {"id": str(subscription_id), "deleted": True}

    @router.post("/{subscription_id}/enable")
    async def enable(
        request: Request, subscription_id: uuid.UUID, caller: Caller = Depends(owner_write)
    ) -> dict[str, Any]:
        """Enable a subscription again (after it was disabled): it resumes from where it stopped, nothing skipped."""
        options = request.app.state.reporting
        async with _pool(request).acquire() as conn:
            row = await store.one(conn, subscription_id, caller)
            await check_target(row["url"], options.webhook_allowed_hosts)
            return await store.enable(conn, subscription_id)

    @router.get("/{subscription_id}/deliveries")
    async def deliveries(
        request: Request,
        subscription_id: uuid.UUID,
        caller: Caller = Depends(owner_read),
        limit: int = Query(100, ge=1, le=1000, description="Attempts, newest first"),
    ) -> dict[str, Any]:
        """The delivery log (kept 7 days): each attempt with its `webhook-id`, cursors, status and outcome."""
        async with _pool(request).acquire() as conn:
            await store.one(conn, subscription_id, caller)
            return {"id": str(subscription_id), "deliveries": await store.deliveries(conn, subscription_id, limit)}

    @router.get("/{subscription_id}/events")
    async def events(
        request: Request,
        subscription_id: uuid.UUID,
        caller: Caller = Depends(owner_read),
        after: str | None = Query(None, max_length=60, description="A `cursor` or `next_after` already seen"),
        limit: int = Query(100, ge=1, description="Events of this page at most (up to the service's page maximum)"),
    ) -> dict[str, Any]:
        """Catch-up: the subscription's events after `after` (from the beginning without it), the same payloads
        its webhook gets, in the same order (what its owner may read); `next_after` is where the next page starts."""
        options = request.app.state.reporting
        cursor = stream.parse_cursor(after)
        if limit > options.webhook_page_max:
            raise DomainError(ErrorCode.INVALID_REQUEST, f"Au plus {options.webhook_page_max} événements par page.",
                              field="limit", value=limit)  # fmt: skip
        async with _pool(request).acquire() as conn:
            row = await store.one(conn, subscription_id, caller)
            up_to = await stream.head(conn)
            found = await stream.page(conn, row["event_types"], cursor, up_to, limit, store.owner_of(row))
        # a short page read the whole known stream: the next one starts after the committed tick
        full = len(found) == limit
        next_after = found[-1].position if full else max(cursor, stream.Position.after_tick(up_to))
        return {"subscription": str(subscription_id), "events": [e.payload for e in found],
                "next_after": str(next_after)}  # fmt: skip

    return documented(router)
