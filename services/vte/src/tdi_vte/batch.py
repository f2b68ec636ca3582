"""One consumer batch of Bpifrance's commands, read at once (the kit's `ConsumerSpec.prepare`, `ctx.batch`).

Instead of a lock, a load and two territory lookups per command: every contract the batch names is locked in
one statement (sorted references, the same order in every consumer: no deadlock between them), every recorded
contract read in one query, every commune (then every quoted territory of a commune not known) in one query.
The use cases then read the contracts from here and write their new state here as well as to the database
(through `ctx.defer`), so a second command on a contract in the same batch sees the first one's outcome.
The kit never hands this to a handler in careful mode (one savepoint per event): they read for themselves then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tdi_contracts.events.vte import RecordVteContractV2, RecordVteOffer
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery
from tdi_runtime.territories import TerritoryRef, find_territories, territories_of_communes
from tdi_vte.decide import FollowUp
from tdi_vte.domain import contract_id_of


@dataclass
class Prepared:
    """What a batch's commands need: contracts locked and their state, places looked up (None: not known)."""

    states: dict[str, str | None] = field(default_factory=dict)
    """Every contract reference of the batch (locked) -> its `state` as read or last saved (None: not recorded)."""
    communes: dict[str, TerritoryRef | None] = field(default_factory=dict)
    territories: dict[str, TerritoryRef | None] = field(default_factory=dict)

    def knows_place(self, insee: str, quoted: str | None) -> bool:
        """Whether the lookups of this establishment were made with the batch (else the use case makes them)."""
        if insee not in self.communes:
            return False
        return quoted is None or self.communes[insee] is not None or quoted in self.territories


async def prepare(conn: Connection, deliveries: list[Delivery]) -> Prepared:
    """Locks, contracts and places of a batch, in at most four statements."""
    commands = [d.payload for d in deliveries]
    references = sorted({c.contract_reference for c in commands if isinstance(c, RecordVteContractV2 | FollowUp)})
    batch = Prepared(states=dict.fromkeys(references))
    if references:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('vte-contract'), hashtext(r)) FROM unnest($1::text[]) AS r",
            references,  # a function scan returns the array's order: the locks are taken sorted
        )
        rows = await conn.fetch(
            "SELECT contract_reference, state FROM vte_contracts WHERE vte_contract_id = ANY($1::uuid[])",
            [contract_id_of(r) for r in references],
        )
        batch.states.update((row["contract_reference"], row["state"]) for row in rows)
    places = [
        (c.establishment.commune_insee, c.territory_id)
        for c in commands
        if isinstance(c, RecordVteOffer)
        or (isinstance(c, RecordVteContractV2) and batch.states[c.contract_reference] is None)
    ]
    if places:
        found = await territories_of_communes(conn, {insee for insee, _ in places})
        batch.communes = {insee: found.get(insee) for insee, _ in places}
        quoted = {q for insee, q in places if q is not None and batch.communes[insee] is None}
        if quoted:
            known = await find_territories(conn, quoted)
            batch.territories = {q: known.get(q) for q in quoted}
    return batch
