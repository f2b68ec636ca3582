"""THE use cases of the vte service: one handler per command, whatever door it came through (Bpifrance's and Action
Logement's ingress topics, the staff's HTTP routes), each `(command, uow) -> result`.

A handler reads its contract and place through the unit of work's repositories, decides with the pure domain
(`decide`), and hands the new state and the events back to the unit of work; the kit saves, announces and commits.
Rights are checked here, on the place the handler computed and under the contract's lock (`uow.caller`): never
only on the territory the caller quotes, since a contract is placed by its establishment's commune (issue 22 #2).
Partners are bound to no region. For a whole consumer batch, `warm` reads every contract and place its commands
name at once (one lock statement, one read, two place lookups); handlers then find them in the identity map.
"""

from __future__ import annotations

from collections.abc import Sequence

from tdi_contracts.errors import ErrorCode
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
from tdi_runtime.territories import TERRITORY_PROJECTION, TERRITORY_TOPICS
from tdi_vte.aid_changes import capped_note
from tdi_vte.decide import FollowUp, follow_up, record_contract
from tdi_vte.domain import VteContract
from tdi_vte.pseudonyms import pseudonym_of
from tdi_vte.repositories import RecordedOffer, VteUnitOfWork
from tdi_vte.rules import VteRules

GROUP = "tdi-vte"
registry: Registry[VteUnitOfWork] = Registry(TERRITORY_PROJECTION)
"""Bpifrance's and Action Logement's commands, and the kit's territory projection (to locate establishments)."""


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
    location = None
    if existing is None:
        location = await uow.places.get((terms.establishment.commune_insee, terms.territory_id))
    # The place written: the recorded contract's, else where its commune puts it (none: out of a regional's reach).
    uow.caller.require_region(
        existing.regions if existing is not None else () if location is None else location.regions
    )
    contract, events = record_contract(existing, terms, pseudonym, location, uow.rules)
    if events:
        uow.contracts.changed(contract)
    uow.emit(*events)
    uow.resulted_in("vte-contract", contract.vte_contract_id)
    return contract


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
    location = await uow.places.get((offer.establishment.commune_insee, offer.territory_id))
    uow.offers.add(RecordedOffer.of(offer, None if location is None else location.territory_id))


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
