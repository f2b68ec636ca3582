"""Where a chef de projet dossier's decision counts (issue 24, B1): its territory's year against the cap of its EPCI
count at the decision (platform rule: a later change of EPCI count claws nothing back) and its post's year against
70 % of the post's cost. Read at the decision from funding's own projections, never from another service."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Programme
from tdi_funding import store_cdp
from tdi_funding.domain.application import Application, Effect
from tdi_funding.domain.chef_de_projet import CdpKey, CdpLedger
from tdi_funding.posts import load_post
from tdi_funding.store_applications import StoredApplication
from tdi_runtime.errors import DomainError

if TYPE_CHECKING:
    from tdi_funding.repositories import FundingUnitOfWork


async def counted_in(
    uow: FundingUnitOfWork, stored: StoredApplication, decide: Callable[[Application], Effect]
) -> tuple[CdpLedger, CdpKey] | None:
    """The counters a chef de projet decision changes (None for another programme, or a decision that neither commits
    nor gives back counted money). A commitment needs the dossier's year, a known post and the EPCI count."""
    app = stored.application
    if app.programme != Programme.CHEF_DE_PROJET.value:
        return None
    probe = decide(copy.deepcopy(app))  # pure: what the decision would do, to know which counters it touches
    if stored.cdp_year is not None and stored.cdp_post_id is not None and (probe.decommit or probe.commit):
        key = CdpKey(app.territory_id, stored.cdp_year, stored.cdp_post_id, 0, 0)
        if probe.commit:  # a counted dossier committing again (not a path today): counted with today's limits
            key = await _key(uow, app, stored.cdp_year, stored.cdp_post_id)
    elif probe.commit:
        key = await _key(uow, app, stored.details.get("funding_year"), _uuid(stored.details.get("chef_de_projet_id")))
    else:
        return None
    return await store_cdp.ledger_for(uow.conn, key.territory_id, key.year, key.post_id), key


async def _key(uow: FundingUnitOfWork, app: Application, year: Any, post_id: UUID | None) -> CdpKey:
    post = await load_post(uow.conn, post_id)
    ref = await uow.territories.get(app.territory_id)
    epci = ref.epci_count if ref else 0
    missing = []
    if not isinstance(year, int):
        missing.append(("funding-year-missing", "funding_year", "L'année financée du dossier n'est pas indiquée."))
    if post is None:
        missing.append(
            ("chef-de-projet-post-unknown", "chef_de_projet_id", "Le poste de chef de projet du dossier est inconnu.")
        )
    if not epci:
        missing.append(("epci-count-unknown", "territory_id", "Le nombre d'EPCI du territoire n'est pas encore connu."))
    if missing or post is None or not isinstance(year, int):
        raise DomainError(
            ErrorCode.APPLICATION_NOT_ELIGIBLE,
            "Décision impossible : " + " ".join(m for _, _, m in missing),
            field_errors=[{"path": f, "code": c, "message": m} for c, f, m in missing],
        )
    return CdpLedger.key(app.territory_id, year, post, epci)


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None
