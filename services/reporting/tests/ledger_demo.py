"""The demo's money, as the events the platform emits for it (the demo data builder `tdi_localstack.demo_data`, on the
scenario's territories), with the facts of the money ledger the funding and vte services are to emit once wired:
the State pays the Fonds vert grants in full (`PaymentMade`, no `paid_by`), Bpifrance pays each VTE aid out
(`VteAidPaid`) and the State transfers Bpifrance its share of the year's aids (`StateTransferMade`)."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any

import scenario

from tdi_contracts.events.funding import GrantCommitted, PaymentMade, StateTransferMade
from tdi_contracts.events.vte import VteAidGrantedV2, VteAidPaid, VteAidPaymentRequested
from tdi_contracts.reference.programmes import Programme
from tdi_contracts.reference.programmes_catalogue import ENVELOPE_SEEDS
from tdi_localstack.demo_data import (
    APPLICATIONS_PER_REGION,
    APPROVED_PER_REGION,
    DemoTerritory,
    fonds_vert_applications,
    vte_contracts,
)
from tdi_localstack.perimeters import known_perimeters

STATE_SHARE_BP = 5_000  # the vte service's State share of the base aid (basis points), a setting there
COMMITTED_ON, PAID_ON, VTE_PAID_ON, TRANSFERRED_ON = "2024-03-04", "2024-10-15", "2023-12-15", "2024-02-15"


def _wire(model: type[Any], **values: Any) -> Any:
    return model.model_validate_json(json.dumps(values, default=str))


def _id(prefix: str, seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ledger/{prefix}/{seed}"))


def territories() -> list[DemoTerritory]:
    """The scenario's territories; those the demo gives a known perimeter carry its communes (the VTE contracts')."""
    communes = {p.territory_id: p.communes for p in known_perimeters()}
    return [
        DemoTerritory(
            t.territory_id,
            tuple(r.value for r in t.regions),
            tuple(d.value for d in t.departements),
            communes.get(t.territory_id, ()),
        )
        for t in scenario.territories()
    ]


def demo_money(prefix: str, *, without_payout: int | None = None) -> tuple[list[Any], dict[str, str]]:
    """The events, and the id of the VTE contract `without_payout` (its n) whose payout is left out."""
    fonds_vert = [s for s in ENVELOPE_SEEDS if s.programme is Programme.FONDS_VERT_TI and s.region]
    envelopes = {s.region.value: s.envelope_id for s in fonds_vert if s.region}
    events: list[Any] = []
    for n, application in enumerate(fonds_vert_applications(territories(), envelopes)):
        if n % APPLICATIONS_PER_REGION >= APPROVED_PER_REGION:
            continue  # refused or still under instruction in the demo
        grant = _id(prefix, f"grant/{application['partner_reference']}")
        common = {"grant_id": grant, "territory_id": application["territory_id"]}
        events.append(
            _wire(
                GrantCommitted,
                **common,
                application_id=_id(prefix, f"app/{application['partner_reference']}"),
                envelope_id=application["envelope_id"],
                programme="fonds-vert-ti",
                instrument="subvention",
                amount_cents=application["requested_cents"],
                committed_on=COMMITTED_ON,
            )
        )
        paid = {"amount_cents": application["requested_cents"], "paid_on": PAID_ON}
        events.append(_wire(PaymentMade, **common, payment_id=_id(prefix, f"pay/{grant}"), **paid))
    departements = {t.territory_id: t.departements[0] for t in territories()}
    state_share: dict[int, int] = defaultdict(int)
    left_out: dict[str, str] = {}
    for n, (contract, green) in enumerate(vte_contracts(territories())):
        cid = _id(prefix, f"vte/{contract['contract_reference']}")
        where = {"vte_contract_id": cid, "territory_id": contract["territory_id"]}
        green_cents = green["requested_cents"] if green else 0
        base, on = 400_000, contract["aid_requested_on"]
        events.append(
            _wire(
                VteAidGrantedV2,
                **where,
                departement=departements[contract["territory_id"]],
                company_size="pme" if contract["establishment"]["size"] in ("pme", "tpe") else "eti",
                base_cents=base,
                green_top_up_cents=green_cents,
                total_cents=base + green_cents,
                granted_on=on,
                synthetic=True,
            )
        )
        state = base * STATE_SHARE_BP // 10_000
        parts = [("etat", "base", state), ("banque-des-territoires", "base", base - state)]
        parts += [("banque-des-territoires", "vert", green_cents)] if green_cents else []
        for i, (funder, part, cents) in enumerate(parts):
            events.append(
                _wire(
                    VteAidPaymentRequested,
                    **where,
                    payment_request_id=_id(prefix, f"request/{cid}/{i}"),
                    funder=funder,
                    part=part,
                    amount_cents=cents,
                    requested_on=on,
                )
            )
        state_share[int(on[:4])] += state
        if n == without_payout:
            left_out["contract"] = cid
            continue
        events.append(
            _wire(
                VteAidPaid,
                **where,
                payment_id=_id(prefix, f"vte-pay/{cid}"),
                base_cents=base,
                green_top_up_cents=green_cents,
                paid_on=VTE_PAID_ON,
            )
        )
    for year, cents in state_share.items():
        events.append(
            _wire(
                StateTransferMade,
                transfer_id=_id(prefix, f"transfer/{year}"),
                programme="vte",
                operator="bpifrance",
                budget_year=year,
                amount_cents=cents,
                transferred_on=TRANSFERRED_ON,
            )
        )
    return events, left_out
