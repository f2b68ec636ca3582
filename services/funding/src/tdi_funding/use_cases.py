"""The use cases of the funding service. Each runs on one open transaction (`conn`) and returns the contract
payloads it establishes: HTTP wraps it in a transaction and the outbox (`UseCases.run`), the partner ingress
runs it in the kit's batch transaction and emits the payloads there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg

from tdi_contracts.reference import Partner
from tdi_contracts.reference.programmes_catalogue import ProgrammeRules
from tdi_funding.domain import rights
from tdi_funding.domain.envelope import Envelope
from tdi_funding.domain.errors import UnknownTerritoryError
from tdi_runtime.access import Reach
from tdi_runtime.db import Connection
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import Outbox
from tdi_runtime.territories import TerritoryRef, find_territory

PRODUCER = "funding"
T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who acts: programme staff over HTTP (`partner` None; `role` its role, `reach` its region check) or a partner
    through its ingress topic. `name` is what the dossier's history says (a role or a partner, never a person)."""

    name: str
    partner: Partner | None = None
    reach: Reach | None = None
    role: str | None = None
    national_decides_fonds_vert: bool = True
    territory_reach: Callable[[Iterable[str | None]], None] | None = None
    """A territory caller's check (`Caller.require_territory`) on the ids of the territory the use case resolved."""

    def require_territory(self, territory_ids: Iterable[str | None]) -> None:
        """An HTTP caller bound to one territory acts on its own territory only (403 OUT_OF_TERRITORY)."""
        if self.territory_reach is not None:
            self.territory_reach(territory_ids)

    def require_reach(self, regions: tuple[str, ...], envelope: Envelope) -> None:
        """An HTTP caller acts where the dossier lies and, on a regional envelope, in that envelope's region only:
        a regional user never commits another region's money through an interregional territory (issue 22 #2).
        Checked by the use case, inside its transaction, on what it writes."""
        if self.reach is not None:
            self.reach(regions)
            if envelope.region is not None:
                self.reach((envelope.region,))

    def require_decision(self, rules: ProgrammeRules) -> None:
        """Approve, refuse, withdraw, reduce, pay: the programme's deciders only (`rights`, from the catalogue)."""
        rights.require_decision(
            rules, partner=self.partner, role=self.role, national_decides_fonds_vert=self.national_decides_fonds_vert
        )

    def require_instruction(self, rules: ProgrammeRules) -> None:
        """File, open the instruction: deciders and advisers."""
        rights.require_instruction(rules, partner=self.partner, role=self.role)

    def require_filing(self, rules: ProgrammeRules) -> None:
        """File: deciders and advisers; a territory its chef de projet dossier (`rights.TERRITORY_FILES`)."""
        rights.require_filing(rules, partner=self.partner, role=self.role)

    def require_opinion(self, rules: ProgrammeRules) -> None:
        """Record an avis: advisers only."""
        rights.require_opinion(rules, partner=self.partner, role=self.role)


STAFF = Actor("staff")


@dataclass
class Result:
    """What a use case established: payloads to publish, and ids to quote back to a partner."""

    events: list[Any] = field(default_factory=list)
    resulting: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None


class UseCases:
    """Runs a use case in one transaction and writes its events to the outbox in that same transaction."""

    def __init__(self, pool: asyncpg.Pool, outbox: Outbox) -> None:
        self.pool = pool
        self.outbox = outbox

    async def run(self, use_case: Callable[[Connection], Awaitable[Result]]) -> Result:
        async with self.pool.acquire() as conn, conn.transaction():
            result = await use_case(conn)
            await self.outbox.add(conn, [outgoing(p, PRODUCER) for p in result.events])
        return result


async def territory(conn: Connection, any_id: str) -> TerritoryRef:
    """The territory from the local projection, by platform or official id; unknown: UNKNOWN_TERRITORY."""
    ref = await find_territory(conn, any_id)
    if ref is None:
        raise UnknownTerritoryError(
            f"Le territoire {any_id} n'est pas un Territoire d'industrie connu.",
            details={"field": "territory_id", "value": any_id},
        )
    return ref
