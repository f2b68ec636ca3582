"""`GET /partners/{partner}/chain`: the published links of a partner's chain, for that partner and national staff.

Mounted by every service with partner ingress topics (funding, vte): `routers=[..., chain_routes.router()]`.
Who reads: national staff (a bearer token of role `national`), or the partner itself with a token of
`partner_chain_tokens` (token -> partner slug; platform rule until partners have an HTTP identity: such a token opens
its partner's chain and no other route, since the kit's other guards never read that setting).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from tdi_contracts.chain import GENESIS, VERSION
from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Partner
from tdi_runtime import chain
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import _access, _declare, bearer, documented
from tdi_runtime.pipeline.caller import Caller


class ChainLink(BaseModel):
    seq: int = Field(description="Position in the partner's chain, from 1, without gaps", examples=[1])
    source: str = Field(description="ce_source of the event", examples=["/partners/bpifrance"])
    event_id: str = Field(description="ce_id of the event the partner sent")
    event_hash: str = Field(description="SHA-256 of the event as received (tdi_contracts.chain.event_hash)")
    prev_hash: str = Field(description=f"link_hash of the previous link ({GENESIS[:8]}… for the first)")
    link_hash: str = Field(description="SHA-256(prev_hash ‖ event_hash ‖ seq ‖ event_id)")
    accepted_at: str = Field(description="When the platform accepted the event (ISO 8601, UTC)")


class ChainPage(BaseModel):
    partner: str
    version: str = Field(default=VERSION, description="The hash rules the links follow")
    links: list[ChainLink]
    next_after: int | None = Field(description="The `after` of the next page; null on the last page")


def _partner_of(token: str, tokens: dict[str, str]) -> str | None:
    supplied = token.encode()
    return next((p for t, p in tokens.items() if hmac.compare_digest(t.encode(), supplied)), None)


async def chain_reader(
    request: Request, partner: str, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Caller:
    """The partner itself (a `partner_chain_tokens` token) or national staff; anyone else 403 FORBIDDEN."""
    settings = request.app.state.runtime.settings
    token = credentials.credentials if credentials else None
    owner = _partner_of(token, settings.partner_chain_tokens) if token else None
    if owner is not None:
        if owner != partner:
            raise DomainError(ErrorCode.FORBIDDEN, "Ce jeton n'ouvre que la chaîne de son propre partenaire.")
        return Caller.of_partner(Partner(owner))
    caller = await _access(request, token)
    if caller.role != "national":
        detail = "La chaîne d'un partenaire est lue par ce partenaire et l'équipe nationale."
        raise DomainError(ErrorCode.FORBIDDEN, detail)
    return caller


_declare(chain_reader, ("national", "partner"), "its own chain for a partner; every chain for national staff", False)


async def partner_chain(
    request: Request,
    partner: str,
    caller: Annotated[Caller, Depends(chain_reader)],
    after: Annotated[int, Query(ge=0, description="The last seq already read (0: from the start)")] = 0,
    limit: Annotated[int, Query(ge=1, description="Links per page, at most `partner_chain_page_max` (1,000)")] = 100,
) -> ChainPage:
    """The links of a partner's chain after `after`, in order: what `tdi-partner verify` checks."""
    if partner not in {p.value for p in Partner}:
        raise DomainError(ErrorCode.NOT_FOUND, "Partenaire inconnu.", field="partner", value=partner)
    most = request.app.state.runtime.settings.partner_chain_page_max
    if limit > most:
        raise DomainError(ErrorCode.INVALID_REQUEST, f"Au plus {most} liens par page.", field="limit", value=limit)
    async with request.app.state.runtime.pool.acquire() as conn:
        links = await chain.page(conn, partner, after, limit)
    next_after = links[-1]["seq"] if len(links) == limit else None
    return ChainPage(partner=partner, links=[ChainLink(**link) for link in links], next_after=next_after)


def router() -> APIRouter:
    """The chain route, for a service with partner ingress topics."""
    found = APIRouter(tags=["partners"])
    found.add_api_route("/partners/{partner}/chain", partner_chain, methods=["GET"], response_model=ChainPage)
    return documented(found)
