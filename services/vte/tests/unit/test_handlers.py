"""The vte use cases as handlers of the pipeline, run on a fake unit of work (in-memory repositories implementing
the same port): the same handler serves Bpifrance's topic and the staff's HTTP routes."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from vte_builders import REIMS, contract, green, payment

from tdi_contracts.events.vte import RecordVteContract, RecordVteOffer
from tdi_contracts.reference import Partner
from tdi_runtime.errors import DomainError
from tdi_runtime.partners import PartnerFeedback
from tdi_runtime.pipeline import Caller
from tdi_runtime.territories import CommunePlace, TerritoryRef
from tdi_runtime.testing import example_payload
from tdi_vte.domain import VteContract
from tdi_vte.handlers import registry
from tdi_vte.repositories import (
    ContractRepository,
    HeldContracts,
    OfferRepository,
    PlaceLookup,
    RecordedOffer,
    VteUnitOfWork,
)
from tdi_vte.rules import VteRules

BPIFRANCE = Caller.of_partner(Partner.BPIFRANCE)
REGIONAL_44 = Caller.of_token("prefecture-ge", "regional", region="44")
OCCITANIE = TerritoryRef(
    **{**REIMS.__dict__, "territory_id": "tdi-76-figeac", "regions": ("76",), "departements": ("46",)}
)


class InMemoryContracts(ContractRepository):
    def __init__(self) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]
        self.stored: dict[str, VteContract] = {}
        self.loads: list[list[str]] = []
        self.saves: list[list[str]] = []

    async def _lock_many(self, keys: list[str]) -> None:
        return None

    async def _load_many(self, keys: list[str]) -> dict[str, VteContract]:
        self.loads.append(keys)
        return {k: self.stored[k] for k in keys if k in self.stored}

    async def _save_many(self, contracts: list[VteContract]) -> None:
        self.saves.append([c.contract_reference for c in contracts])
        self.stored.update((c.contract_reference, c) for c in contracts)


class InMemoryPlaces(PlaceLookup):
    def __init__(self, communes: dict[str, TerritoryRef]) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]
        self.communes = communes
        self.queries = 0

    async def _locate(self, insees: list[str], quoted: dict[str, str]) -> dict[str, CommunePlace]:
        """The kit's answer on a projection where every perimeter is known (`locate_communes`)."""
        self.queries += 1
        return {i: CommunePlace(i, i, None, self.communes.get(i), (), ()) for i in insees}


class NoneHeld(HeldContracts):
    def __init__(self) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]

    async def _load_many(self, keys: list[str]) -> dict[str, tuple[str, ...]]:
        return {}


class InMemoryOffers(OfferRepository):
    def __init__(self) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]
        self.saved: list[RecordedOffer] = []

    async def _save_many(self, offers: list[RecordedOffer]) -> None:
        self.saved += offers


def fake_unit_of_work(caller: Caller = BPIFRANCE) -> VteUnitOfWork:
    return VteUnitOfWork(
        None,  # type: ignore[arg-type]
        caller,
        rules=VteRules(pseudonym_key="unit-test-key"),  # type: ignore[arg-type]
        contracts=InMemoryContracts(),
        places=InMemoryPlaces({"51454": REIMS, "46102": OCCITANIE}),
        offers=InMemoryOffers(),
        held=NoneHeld(),
    )


async def run(command: Any, uow: VteUnitOfWork) -> Any:
    return await registry.for_command(command).handler(command, uow)


async def test_a_signed_contract_is_granted_announced_quoted_back_and_saved_once_at_the_flush():
    uow = fake_unit_of_work()
    recorded = await run(contract(), uow)
    assert recorded.granted and recorded.territory_id == "tdi-44-grand-reims"
    assert uow.results == [("vte-contract", str(recorded.vte_contract_id))]
    assert [m.topic for m in uow.emitted][:1] == ["tdi.vte.contract.v1"] and len(uow.emitted) == 3
    contracts = uow.contracts
    assert isinstance(contracts, InMemoryContracts) and contracts.saves == []
    await uow.flush()
    assert contracts.saves == [["BPI-VTE-0001"]]


async def test_a_follow_up_in_the_same_unit_of_work_sees_what_the_contract_before_it_decided():
    uow = fake_unit_of_work()
    await run(contract(), uow)
    uow.begin(BPIFRANCE)
    await run(green(), uow)
    uow.begin(BPIFRANCE)
    paid = await run(payment(1_000_000), uow)
    assert (paid.total_cents, paid.paid_cents) == (1_200_000, 1_000_000)
    await uow.flush()
    contracts = uow.contracts
    assert isinstance(contracts, InMemoryContracts)
    assert contracts.loads == [["BPI-VTE-0001"]] and contracts.saves == [["BPI-VTE-0001"]], "read once, saved once"


async def test_a_regional_caller_is_judged_on_the_place_the_handler_computes_not_on_the_territory_it_quotes():
    uow = fake_unit_of_work(REGIONAL_44)
    quoting_its_own = contract(territory_id="tdi-44-grand-reims", establishment={"commune_insee": "46102"})
    with pytest.raises(DomainError) as refused:
        await run(quoting_its_own, uow)
    assert (refused.value.code, refused.value.http_status) == ("OUT_OF_REGION", 403)
    await uow.flush()
    assert uow.emitted == [] and isinstance(uow.contracts, InMemoryContracts) and uow.contracts.saves == []


async def test_a_partner_is_bound_to_no_region():
    uow = fake_unit_of_work(BPIFRANCE)
    recorded = await run(contract(establishment={"commune_insee": "46102"}), uow)
    assert recorded.regions == ("76",) and recorded.granted


async def test_a_v1_command_is_refused_with_its_code_and_sentence():
    old = example_payload(RecordVteContract)
    with pytest.raises(DomainError) as refused:
        await run(old, fake_unit_of_work())
    assert refused.value.code == "SCHEMA_VERSION_UNSUPPORTED" and "version 2" in refused.value.message


async def test_an_offer_is_kept_with_the_territory_it_is_located_in():
    uow = fake_unit_of_work()
    offer = RecordVteOffer.model_validate(
        {
            "offer_reference": "BPI-OFFRE-1",
            "establishment": {"siret": "73282932000074", "siren": "732829320", "size": "pme", "commune_insee": "51454"},
            "green_mission": True,
            "published_on": date(2024, 9, 1).isoformat(),
        },
        strict=False,
    )
    await run(offer, uow)
    await uow.flush()
    assert isinstance(uow.offers, InMemoryOffers)
    assert [(o.offer_reference, o.territory_id) for o in uow.offers.saved] == [("BPI-OFFRE-1", "tdi-44-grand-reims")]


async def test_a_batch_is_read_once_by_its_prefetch_and_its_handlers_read_nothing_more():
    uow = fake_unit_of_work()
    commands = [contract("BPI-VTE-B"), contract("BPI-VTE-A"), green("BPI-VTE-A"), payment(100, "P1", "BPI-VTE-Z")]
    prefetch = registry.for_command(commands[0]).prefetch
    assert prefetch is not None and all(registry.for_command(c).prefetch is prefetch for c in commands)
    await prefetch(commands, uow)
    places = uow.places
    assert isinstance(uow.contracts, InMemoryContracts) and isinstance(places, InMemoryPlaces)
    assert uow.contracts.loads == [["BPI-VTE-A", "BPI-VTE-B", "BPI-VTE-Z"]] and places.queries == 1
    for command in commands[:3]:
        uow.begin(BPIFRANCE)
        await run(command, uow)
    assert len(uow.contracts.loads) == 1 and places.queries == 1


async def test_a_green_top_up_asked_above_8000_eur_is_accepted_and_the_partners_answer_says_it_was_capped():
    """Seed 000 line 673 (« jusqu'à 8 000 euros »): Bpifrance asks 9,500 EUR; its answer is an acceptance whose note
    says the top-up granted is 8,000 EUR (before: INVALID_PAYLOAD, and the contract kept its base only)."""
    uow = fake_unit_of_work()
    await run(contract(), uow)
    uow.begin(BPIFRANCE)
    await run(green(requested=950_000), uow)
    delivery = SimpleNamespace(event_id="BPI-EVT-9", event_type="green", caused=dict)
    [answer] = PartnerFeedback(Partner.BPIFRANCE, ["green"]).accepted(delivery, uow.results)  # type: ignore[arg-type]
    body = json.loads(answer.value)
    assert [r["kind"] for r in body["resulting_ids"]] == ["vte-contract"]
    assert body["notes"] == [
        "Complément « VTE vert » demandé : 9 500,00 € ; accordé : 8 000,00 € (plafond du dispositif)."
    ]


class WaitingPlaces(InMemoryPlaces):
    async def _locate(self, insees: list[str], quoted: dict[str, str]) -> dict[str, CommunePlace]:
        """Département 08's territory has no known perimeter yet: its communes wait for it."""
        return {i: CommunePlace(i, i, None, None, ("tdi-44-ardennes",), ("tdi-44-ardennes",)) for i in insees}


async def test_a_contract_waiting_for_its_territorys_perimeter_is_held_saved_and_answered_pending():
    """Issue 24 (seed 000 l.673): never granted by département; Bpifrance's one answer says why it waits."""
    uow = fake_unit_of_work()
    uow.places = WaitingPlaces({})
    held = await run(contract(establishment={"commune_insee": "08105"}), uow)
    assert held.pending and not held.granted and uow.emitted == []
    delivery = SimpleNamespace(event_id="BPI-EVT-8", event_type="record", caused=dict)
    [answer] = PartnerFeedback(Partner.BPIFRANCE, ["record"]).accepted(delivery, uow.results)  # type: ignore[arg-type]
    body = json.loads(answer.value)
    assert (body["status"], body["pending_code"]) == ("pending", "TERRITORY_PERIMETER_PENDING")
    assert "tdi-44-ardennes" in body["notes"][0] and "en attente" in body["notes"][0]
    assert await uow.held.waiting_for("tdi-44-ardennes") == ["BPI-VTE-0001"]
    await uow.flush()
    assert isinstance(uow.contracts, InMemoryContracts) and uow.contracts.saves == [["BPI-VTE-0001"]]
