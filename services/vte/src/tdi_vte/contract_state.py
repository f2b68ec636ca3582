"""A contract as stored: the whole aggregate as JSON (`state`) beside the columns the queries filter on.

`repositories.ContractRepository` reads and writes it; `queries` reads the columns and the state for the API.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tdi_contracts.events.vte import RecordVteContractV2, VteAidPart, VteFunder, VteRefusalReason
from tdi_contracts.reference.geography import departement_of_commune
from tdi_vte.domain import GreenMission, VteContract, contract_id_of, eligible_size
from tdi_vte.eligibility import Refusal
from tdi_vte.location import Location

SAVE = """
        INSERT INTO vte_contracts (vte_contract_id, contract_reference, territory_id, departement, regions,
            company_size, decision, base_cents, green_cents, paid_cents, green_mission, candidate_pseudonym,
            state, decided_on, waiting_for)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        ON CONFLICT (vte_contract_id) DO UPDATE SET territory_id = excluded.territory_id,
            regions = excluded.regions, company_size = excluded.company_size, decision = excluded.decision,
            waiting_for = excluded.waiting_for, base_cents = excluded.base_cents,
            green_cents = excluded.green_cents, paid_cents = excluded.paid_cents,
            green_mission = excluded.green_mission, state = excluded.state, updated_at = now()
        """


def row_of(c: VteContract) -> tuple[Any, ...]:
    """The arguments of SAVE: the columns the queries read, and the whole aggregate as `state` (JSON)."""
    size = c.terms.establishment.size.value if c.refusals else eligible_size(c.terms.establishment.size).value
    return (
        c.vte_contract_id,
        c.contract_reference,
        c.territory_id,
        departement_of_commune(c.terms.establishment.commune_insee).value,
        list(c.regions),
        size,
        "pending" if c.pending else "granted" if c.granted else "refused",
        c.base_cents,
        c.green_cents,
        c.paid_cents,
        c.green_cents > 0,
        c.candidate_pseudonym,
        json.dumps(state_of(c)),
        c.decided_on,
        list(c.waiting_for),
    )


def state_of(c: VteContract) -> dict[str, Any]:
    return {
        "id": str(c.vte_contract_id),
        "reference": c.contract_reference,
        "terms": c.terms.model_dump(mode="json"),
        "pseudonym": c.candidate_pseudonym,
        "location": None if c.location is None else {**c.location.__dict__, "regions": list(c.location.regions)},
        "refusals": [{"reason": r.reason.value, "message": r.message} for r in c.refusals],
        "decided_on": c.decided_on.isoformat(),
        "base": c.base_cents,
        "green": c.green_cents,
        "mission": None if c.green is None else {**c.green.__dict__, "declared_on": c.green.declared_on.isoformat()},
        "ended_on": None if c.ended_on is None else c.ended_on.isoformat(),
        "end_reason": c.end_reason,
        "paid": c.paid_cents,
        "payments": c.payments,
        "requested": [[f.value, p.value, amount] for (f, p), amount in c.requested.items()],
        "requests_made": c.requests_made,
        "housing": c.housing_aids,
        "state_bp": c.rules_state_bp,
        "green_funder": c.rules_green_funder.value,
        "waiting_for": list(c.waiting_for),
    }


def aggregate_of(s: dict[str, Any]) -> VteContract:
    loc = s["location"]
    mission = s["mission"]
    return VteContract(
        vte_contract_id=contract_id_of(s["reference"]),
        contract_reference=s["reference"],
        terms=RecordVteContractV2.model_validate(s["terms"], strict=False),
        candidate_pseudonym=s["pseudonym"],
        location=None if loc is None else Location(**{**loc, "regions": tuple(loc["regions"])}),
        refusals=[Refusal(VteRefusalReason(r["reason"]), r["message"]) for r in s["refusals"]],
        decided_on=date.fromisoformat(s["decided_on"]),
        base_cents=s["base"],
        green_cents=s["green"],
        green=None
        if mission is None
        else GreenMission(**{**mission, "declared_on": date.fromisoformat(mission["declared_on"])}),
        ended_on=None if s["ended_on"] is None else date.fromisoformat(s["ended_on"]),
        end_reason=s["end_reason"],
        paid_cents=s["paid"],
        payments=dict(s["payments"]),
        requested={(VteFunder(f), VteAidPart(p)): amount for f, p, amount in s["requested"]},
        requests_made=s["requests_made"],
        housing_aids=dict(s.get("housing", {})),
        rules_state_bp=s["state_bp"],
        rules_green_funder=VteFunder(s["green_funder"]),
        waiting_for=tuple(s.get("waiting_for", ())),
    )
