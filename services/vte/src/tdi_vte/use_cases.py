"""Use cases of the vte service: each runs in the caller's transaction (the kit's for Bpifrance's events, one
of its own for HTTP) and returns the contract payloads to put in the outbox with the new state.

An HTTP caller's rights are checked here, on the place the use case computed and under the contract's lock
(`reach`, the kit's `Access.require_region`): never on the territory the caller quotes, since a contract is placed
by its establishment's commune (issue 22 #2). Partners' commands pass no `reach`.

Given what the consumer read for its whole batch (`batch`, see tdi_vte.batch) they take the contract and the
places from it and save through `defer` (sent with the batch); without it, they lock, read and save themselves.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from tdi_contracts.events.vte import RecordVteContractV2, RecordVteOffer
from tdi_runtime.access import Reach
from tdi_runtime.db import Connection
from tdi_runtime.territories import find_territory, territory_of_commune
from tdi_vte import store
from tdi_vte.batch import Prepared
from tdi_vte.decide import FollowUp, follow_up, record_contract
from tdi_vte.domain import VteContract
from tdi_vte.location import Location, locate
from tdi_vte.pseudonyms import pseudonym_of
from tdi_vte.rules import VteRules

PRODUCER = "vte"
Defer = Callable[..., Awaitable[Any]]
"""`ctx.defer`: a write sent with the rest of the consumer's batch."""


async def locate_establishment(
    conn: Connection, insee: str, quoted_territory: str | None, batch: Prepared | None = None
) -> Location | None:
    """The territory of the commune in the service's projection, else the quoted one (README: platform rule)."""
    if batch is not None and batch.knows_place(insee, quoted_territory):
        quoted_ref = None if quoted_territory is None else batch.territories.get(quoted_territory)
        return locate(insee, batch.communes[insee], quoted_ref)
    of_commune = await territory_of_commune(conn, insee)
    quoted = None if quoted_territory is None else await find_territory(conn, quoted_territory)
    return locate(insee, of_commune, quoted)


def pseudonymised(command: RecordVteContractV2, rules: VteRules) -> tuple[RecordVteContractV2, str]:
    """The command with Bpifrance's candidate reference replaced by its keyed pseudonym, at the edge."""
    pseudonym = pseudonym_of(command.candidate.candidate_reference, rules.pseudonym_key.get_secret_value())
    candidate = command.candidate.model_copy(update={"candidate_reference": pseudonym})
    return command.model_copy(update={"candidate": candidate}), pseudonym


async def record_signed_contract(
    conn: Connection,
    command: RecordVteContractV2,
    rules: VteRules,
    batch: Prepared | None = None,
    defer: Defer | None = None,
    reach: Reach | None = None,
) -> tuple[VteContract, list[Any]]:
    terms, pseudonym = pseudonymised(command, rules)
    existing = await locked_contract(conn, terms.contract_reference, batch)
    location = None
    if existing is None:
        location = await locate_establishment(conn, terms.establishment.commune_insee, terms.territory_id, batch)
    if reach is not None:  # the place written: the recorded contract's, else where the commune puts it
        reach(existing.regions if existing is not None else () if location is None else location.regions)
    contract, events = record_contract(existing, terms, pseudonym, location, rules)
    if events:
        await save(conn, contract, batch, defer)
    return contract, events


async def apply_follow_up(
    conn: Connection,
    command: FollowUp,
    rules: VteRules,
    batch: Prepared | None = None,
    defer: Defer | None = None,
    reach: Reach | None = None,
) -> tuple[VteContract | None, list[Any]]:
    existing = await locked_contract(conn, command.contract_reference, batch)
    if existing is not None and reach is not None:  # an unknown contract is answered by the rule (UNKNOWN_AGGREGATE)
        reach(existing.regions)
    events = follow_up(existing, command, rules)
    if existing is not None:
        await save(conn, existing, batch, defer)  # an end with no aid change is still recorded
    return existing, events


async def locked_contract(conn: Connection, reference: str, batch: Prepared | None) -> VteContract | None:
    """The contract under its lock: as the batch left it (locked with the batch), else locked and read now."""
    if batch is not None and reference in batch.states:
        return store.of_state(batch.states[reference])
    await store.lock(conn, reference)
    return await store.load(conn, reference)


async def save(conn: Connection, c: VteContract, batch: Prepared | None, defer: Defer | None) -> None:
    """Saved now, or with the batch and kept as the batch's state of the contract for its next command."""
    if batch is None:
        await store.save(conn, c)
        return
    state = json.dumps(store.state_of(c))
    batch.states[c.contract_reference] = state
    await (defer or conn.execute)(store.SAVE, *store.row_of(c, state))


async def record_offer(conn: Connection, offer: RecordVteOffer, batch: Prepared | None = None) -> str | None:
    """An offer, kept for the counts; its territory as located now (None outside every territory)."""
    location = await locate_establishment(conn, offer.establishment.commune_insee, offer.territory_id, batch)
    territory_id = None if location is None else location.territory_id
    await store.record_offer(conn, offer, territory_id)
    return territory_id
