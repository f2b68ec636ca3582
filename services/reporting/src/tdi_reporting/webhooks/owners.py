"""Who owns a subscription and what its feed may carry (issue 25: « a partner or a dashboard registers an endpoint »).

The owner is the caller who created it: subject, role and scope (a region, a territory, a partner). National staff
manage every subscription; a regional or territory dashboard and a partner manage, read and catch up on their own
only (another's is 404 `NOT_FOUND`, as an id that does not exist). What a non-national owner may subscribe to, and
what its feed carries (the push and the catch-up alike), is what that caller reads elsewhere today (**platform rule**,
`services/reporting/README.md`, *Webhooks*):
- `regional` (its region) and `territory` (its territory): `alert`, narrowed as `GET /api/alerts` narrows them
  (`alerts.visible`); no domain event, whose payloads no route shows them (they read figures);
- `partner`: the answers to its own events (`PartnerEventAccepted`, `PartnerEventRejected` v1/v2 whose `partner`
  is itself), which its own feedback topic already tells it; nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected, PartnerEventRejectedV1
from tdi_contracts.registry import spec_for
from tdi_reporting.webhooks.stream import ALERT_TYPE
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import PARTNER_ROLE, TERRITORY_ROLE, Caller

NATIONAL = "national"
OWNER_ROLES = (NATIONAL, "regional", TERRITORY_ROLE, PARTNER_ROLE)
"""Roles that may own a subscription (platform rule): national staff, a regional or a territory dashboard, a partner.
`region-council`, `instructor` and `reader` get 403 (`READ_ONLY_ROLE` for a reader's command)."""
PARTNER_ANSWER_TYPES = frozenset(spec_for(m).type for m in (PartnerEventAccepted, PartnerEventRejected,
                                                             PartnerEventRejectedV1))  # fmt: skip


@dataclass(frozen=True)
class Owner:
    role: str
    subject: str
    scope: str | None = None
    """A regional owner's region, a territory owner's territory id (as its token names it), a partner's slug."""

    @classmethod
    def of(cls, caller: Caller) -> Owner:
        if caller.role == PARTNER_ROLE and caller.partner is not None:
            return cls(PARTNER_ROLE, caller.subject, caller.partner.value)
        scope = {"regional": caller.region, TERRITORY_ROLE: caller.territory}.get(caller.role)
        return cls(caller.role, caller.subject, scope)

    def as_json(self) -> dict[str, str | None]:
        return {"role": self.role, "subject": self.subject, "scope": self.scope}

    def managed_by(self, caller: Caller) -> bool:
        """National staff manage every subscription; anyone else its own only."""
        return caller.role == NATIONAL or Owner.of(caller) == self

    def may_subscribe(self, event_type: str) -> bool:
        if self.role == NATIONAL:
            return True
        if self.role == PARTNER_ROLE:
            return event_type in PARTNER_ANSWER_TYPES
        return event_type == ALERT_TYPE

    def require_types(self, event_types: Iterable[str]) -> None:
        """403 `FORBIDDEN` naming the first type the owner may not read elsewhere."""
        refused = sorted(t for t in event_types if not self.may_subscribe(t))
        if refused:
            raise DomainError(
                ErrorCode.FORBIDDEN,
                f"Le rôle « {self.role} » ne peut pas s'abonner à « {refused[0]} » : un abonnement ne porte que ce que"
                " son propriétaire lit déjà ailleurs.",
                field="event_types",
                value=refused[0],
            )
