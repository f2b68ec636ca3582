"""Use cases of the vte service: each runs in the caller's transaction (the kit's for Bpifrance's events, one
of its own for HTTP) and returns the contract payloads to put in the outbox with the new state."""

from __future__ import annotations

from typing import Any

from tdi_contracts.events.vte import RecordVteContractV2, RecordVteOffer
from tdi_runtime.db import Connection
from tdi_runtime.territories import find_territory, territory_of_commune
from tdi_vte import store
from tdi_vte.decide import FollowUp, follow_up, record_contract
from tdi_vte.domain import VteContract
from tdi_vte.location import Location, locate
from tdi_vte.pseudonyms import pseudonym_of
from tdi_vte.rules import VteRules

PRODUCER = "vte"


async def locate_establishment(conn: Connection, insee: str, quoted_territory: str | None) -> Location | None:
    """The territory of the commune in the service's projection, else the quoted one (README: platform rule)."""
    of_commune = await territory_of_commune(conn, insee)
    quoted = None if quoted_territory is None else await find_territory(conn, quoted_territory)
    return locate(insee, of_commune, quoted)


def pseudonymised(command: RecordVteContractV2, rules: VteRules) -> tuple[RecordVteContractV2, str]:
    """The command with Bpifrance's candidate reference replaced by its keyed pseudonym, at the edge."""
    pseudonym = pseudonym_of(command.candidate.candidate_reference, rules.pseudonym_key.get_secret_value())
    candidate = command.candidate.model_copy(update={"candidate_reference": pseudonym})
    return command.model_copy(update={"candidate": candidate}), pseudonym


async def record_signed_contract(
    conn: Connection, command: RecordVteContractV2, rules: VteRules
) -> tuple[VteContract, list[Any]]:
    terms, pseudonym = pseudonymised(command, rules)
    await store.lock(conn, terms.contract_reference)
    existing = await store.load(conn, terms.contract_reference)
    location = None
    if existing is None:
        location = await locate_establishment(conn, terms.establishment.commune_insee, terms.territory_id)
    contract, events = record_contract(existing, terms, pseudonym, location, rules)
    if events:
        await store.save(conn, contract)
    return contract, events


async def apply_follow_up(conn: Connection, command: FollowUp, rules: VteRules) -> tuple[VteContract | None, list[Any]]:
    await store.lock(conn, command.contract_reference)
    existing = await store.load(conn, command.contract_reference)
    events = follow_up(existing, command, rules)
    if existing is not None:
        await store.save(conn, existing)  # an end with no aid change is still recorded
    return existing, events


async def record_offer(conn: Connection, offer: RecordVteOffer) -> str | None:
    """An offer, kept for the counts; its territory as located now (None outside every territory)."""
    location = await locate_establishment(conn, offer.establishment.commune_insee, offer.territory_id)
    territory_id = None if location is None else location.territory_id
    await store.record_offer(conn, offer, territory_id)
    return territory_id
