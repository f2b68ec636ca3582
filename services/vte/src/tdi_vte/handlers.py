"""THE use cases of the vte service: one handler per command, whatever door it came through (Bpifrance's and Action
Logement's ingress topics, the staff's HTTP routes), each `(command, uow) -> result`.

A handler reads its contract and place through the unit of work's repositories, decides with the pure domain
(`decide`), and hands the new state and the events back to the unit of work; the kit saves, announces and commits.
Rights are checked here, on the place the handler computed and under the contract's lock (`uow.caller`): never
only on the territory the caller quotes, since a contract is placed by its establishment's commune (issue 22 #2).
Partners are bound to no region. For a whole consumer batch, `warm` reads every contract and place its commands
name at once (one lock statement, one read, two place lookups); handlers then find them in the identity map.

Where a territory's perimeter is not known yet, a contract its commune may belong to is HELD (issue 24): the
partner's one answer says `pending` with `TERRITORY_PERIMETER_PENDING`; the territory events that may make it known
(the kit's projection, wrapped here) decide the contracts held for that territory in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.territory import CommuneAssigned, CommuneCodeAliased, EpciLeft, TerritoryReferenceUpdated
from tdi_contracts.events.vte import (
    DeclareVteGreenMission,
    DeclareVteGreenMissionV2,
    EndVteContract,
    EndVteContractV2,
    RecordVteAidPayment,
    RecordVteAidPaymentV2,
    RecordVteContract,
    RecordVteContractV2,
    RecordVteHousingAid,
    RecordVteOffer,
    VteAidAdjusted,
)
from tdi_contracts.topics import ingress_topics_of
from tdi_runtime.errors import DomainError
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.pipeline import Registry
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.territories import TERRITORY_TOPICS
from tdi_runtime.territories.projection import (
    on_commune_assigned,
    on_commune_code_aliased,
    on_epci_left,
    on_reference_updated,
)
from tdi_vte.aid_changes import capped_note
from tdi_vte.decide import FollowUp, decide_held, follow_up, record_contract
from tdi_vte.domain import VteContract
from tdi_vte.location import Location, Waiting
from tdi_vte.pseudonyms import pseudonym_of
from tdi_vte.repositories import RecordedOffer, VteUnitOfWork
from tdi_vte.rules import VteRules

GROUP = "tdi-vte"
registry: Registry[VteUnitOfWork] = Registry()
"""Bpifrance's and Action Logement's commands, and the kit's territory projection (to locate establishments), whose
handlers are wrapped here to decide the contracts held for a territory (`decide_held_contracts`)."""


def consumer_spec(group: str = GROUP) -> ConsumerSpec:
    """One group for the partners' commands and the territory projection (strict and answered on ingress only)."""
    return ConsumerSpec(
        group=group,
        topics=[*TERRITORY_TOPICS, *ingress_topics_of("vte")],
        registry=registry,
        feedback=PartnerIngressFeedback("vte"),
        strict=True,
    )


VteCommand = RecordVteContractV2 | FollowUp | RecordVteOffer


async def warm(commands: Sequence[VteCommand], uow: VteUnitOfWork) -> None:
    """A batch's contracts (locked, read) and the places of its new contracts and offers, in four statements."""
    references = [c.contract_reference for c in commands if not isinstance(c, RecordVteOffer)]
    contracts = await uow.contracts.get_many(references)
    await uow.places.get_many(
        (c.establishment.commune_insee, c.territory_id)
        for c in commands
        if isinstance(c, RecordVteOffer)
        or (isinstance(c, RecordVteContractV2) and contracts[c.contract_reference] is None)
    )


@registry.handles(RecordVteContractV2, prefetch=warm)
async def record_signed_contract(command: RecordVteContractV2, uow: VteUnitOfWork) -> VteContract:
    terms, pseudonym = pseudonymised(command, uow.rules)
    existing = await uow.contracts.get(terms.contract_reference)
    place = None
    if existing is None:
        place = await uow.places.get((terms.establishment.commune_insee, terms.territory_id))
    # The place written: the recorded contract's, else where its commune puts it (none: outside every territory or
    # waiting for a perimeter, out of a regional's reach).
    uow.caller.require_region(
        existing.regions if existing is not None else place.regions if isinstance(place, Location) else ()
    )
    contract, events = record_contract(existing, terms, pseudonym, place, uow.rules)
    if existing is None:
        uow.contracts.add(contract)
    uow.emit(*events)
    uow.resulted_in("vte-contract", contract.vte_contract_id)
    if contract.pending:  # held: one answer says so; the decision follows when the perimeter arrives
        uow.held.hold(contract)
        uow.hold(ErrorCode.TERRITORY_PERIMETER_PENDING.value, pending_sentence(Waiting(contract.waiting_for)))
    return contract


def pending_sentence(waiting: Waiting) -> str:
    """The partner's answer to a held contract (the catalogue's sentence, naming the territories)."""
    names = ", ".join(waiting.territories)
    if len(waiting.territories) == 1:
        return (
            f"Le périmètre du territoire {names} n'est pas encore connu : le contrat est en attente et sera décidé"
            " dès qu'il le sera."
        )
    return (
        f"Les périmètres des territoires {names} ne sont pas encore connus : le contrat est en attente et sera"
        " décidé dès qu'ils le seront."
    )


TerritoryEvent = TerritoryReferenceUpdated | CommuneAssigned | CommuneCodeAliased


async def warm_held(events: Sequence[TerritoryEvent], uow: VteUnitOfWork) -> None:
    """The contracts held for the territories a batch's territory events name: one query."""
    await uow.held.get_many({e.territory_id for e in events})


@registry.handles(TerritoryReferenceUpdated, CommuneAssigned, CommuneCodeAliased, prefetch=warm_held)
async def territory_changed(event: TerritoryEvent, uow: VteUnitOfWork) -> None:
    """The kit's projection, then the contracts held for this territory decided if their place is now known."""
    if isinstance(event, TerritoryReferenceUpdated):
        await on_reference_updated(event, uow)
    elif isinstance(event, CommuneAssigned):
        await on_commune_assigned(event, uow)
    else:
        await on_commune_code_aliased(event, uow)
    await decide_held_contracts(event.territory_id, uow)


registry.handles(EpciLeft)(on_epci_left)  # an EPCI leaving makes no perimeter known


async def decide_held_contracts(territory_id: str, uow: VteUnitOfWork) -> None:
    """Each contract held for the territory, located again on the projection as this event leaves it: granted or
    refused with the events of a direct decision, or still held (maybe for another territory). Nothing to read
    when none is held (a whole open-data load costs one query per batch)."""
    references = await uow.held.waiting_for(territory_id)
    if not references:
        return
    await uow.flush()  # this batch's projection writes so far, which the lookup below must see
    uow.places.discard()  # what it read before them is stale
    found = await uow.contracts.get_many(references)
    held = [c for c in found.values() if c is not None and c.pending]
    places = await uow.places.get_many({_key(c) for c in held})
    for contract in held:
        uow.emit(*decide_held(contract, places[_key(contract)], uow.rules))
        uow.contracts.changed(contract)
        if contract.pending:
            uow.held.hold(contract)


def _key(contract: VteContract) -> tuple[str, str | None]:
    return contract.terms.establishment.commune_insee, contract.terms.territory_id


@registry.handles(DeclareVteGreenMissionV2, EndVteContractV2, RecordVteAidPaymentV2, RecordVteHousingAid, prefetch=warm)
async def apply_follow_up(command: FollowUp, uow: VteUnitOfWork) -> VteContract:
    existing = await uow.contracts.get(command.contract_reference)
    if existing is not None:  # an unknown contract is answered by the rule (UNKNOWN_AGGREGATE), in any region
        uow.caller.require_region(existing.regions)
    events = follow_up(existing, command, uow.rules)
    assert existing is not None  # `follow_up` refused an unknown contract
    for capped in (e for e in events if isinstance(e, VteAidAdjusted) and e.capped and e.requested_cents):
        uow.note(capped_note(capped.requested_cents or 0, capped.green_top_up_cents))
    uow.contracts.changed(existing)  # an end with no aid change is still recorded
    uow.emit(*events)
    uow.resulted_in("vte-contract", existing.vte_contract_id)
    return existing


@registry.handles(DeclareVteGreenMission, prefetch=warm)
async def apply_green_v1(command: DeclareVteGreenMission, uow: VteUnitOfWork) -> VteContract:
    """The v1 green mission (8,000 EUR at most asked) is a v2 one: the same rule."""
    return await apply_follow_up(DeclareVteGreenMissionV2.model_validate(command.model_dump()), uow)


@registry.handles(RecordVteOffer, prefetch=warm)
async def record_offer(offer: RecordVteOffer, uow: VteUnitOfWork) -> None:
    """An offer, kept for the counts with the territory it is located in now (none outside every territory)."""
    place = await uow.places.get((offer.establishment.commune_insee, offer.territory_id))
    uow.offers.add(RecordedOffer.of(offer, place.territory_id if isinstance(place, Location) else None))


@registry.handles(RecordVteContract, EndVteContract, RecordVteAidPayment)
async def refuse_v1(command: RecordVteContract | EndVteContract | RecordVteAidPayment, uow: VteUnitOfWork) -> None:
    raise DomainError(
        ErrorCode.SCHEMA_VERSION_UNSUPPORTED,
        "Envoyez la version 2 de la commande VTE, qui désigne le contrat par la référence Bpifrance.",
    )


def pseudonymised(command: RecordVteContractV2, rules: VteRules) -> tuple[RecordVteContractV2, str]:
    """The command with Bpifrance's candidate reference replaced by its keyed pseudonym, at the edge."""
    pseudonym = pseudonym_of(command.candidate.candidate_reference, rules.pseudonym_key.get_secret_value())
    candidate = command.candidate.model_copy(update={"candidate_reference": pseudonym})
    return command.model_copy(update={"candidate": candidate}), pseudonym
