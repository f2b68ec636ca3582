"""Commands as Bpifrance sends them, with sensible eligible defaults to override one fact at a time."""

from __future__ import annotations

from datetime import date
from typing import Any

from tdi_contracts.events.vte import (
    DeclareVteGreenMissionV2,
    EndVteContractV2,
    RecordVteAidPaymentV2,
    RecordVteContractV2,
    RecordVteHousingAid,
)
from tdi_runtime.territories import TerritoryRef
from tdi_vte.location import Location

REIMS = TerritoryRef(
    territory_id="tdi-44-grand-reims",
    official_id="ti-8413",
    name="Grand Reims",
    labelled=True,
    regions=("44",),
    departements=("51",),
    epci_sirens=("200067213",),
    active_binomes=1,
    chefs_de_projet=(),
    revision=3,
)
IN_REIMS = Location("tdi-44-grand-reims", "51", ("44",), by_commune=True)


def contract(reference: str = "BPI-VTE-0001", **overrides: Any) -> RecordVteContractV2:
    candidate = {
        "candidate_reference": "BPI-CAND-0001",
        "status": "jeune-diplome",
        "study_level": "bac+5",
        "graduated_in": "2024-06",
        **overrides.pop("candidate", {}),
    }
    establishment = {
        "siret": "73282932000074",
        "siren": "732829320",
        "size": "pme",
        "commune_insee": "51454",
        **overrides.pop("establishment", {}),
    }
    document = {
        "contract_reference": reference,
        "establishment": establishment,
        "candidate": candidate,
        "contract_type": "cdd",
        "duration_months": 12,
        "starts_on": "2024-09-02",
        "signed_on": "2024-07-10",
        "aid_requested_on": "2024-09-20",
        **overrides,
    }
    return RecordVteContractV2.model_validate(document, strict=False)


def green(
    reference: str = "BPI-VTE-0001", requested: int = 800_000, scope: str = "decarbonation"
) -> DeclareVteGreenMissionV2:
    document = {
        "contract_reference": reference,
        "scope": scope,
        "requested_cents": requested,
        "declared_on": "2024-09-25",
    }
    return DeclareVteGreenMissionV2.model_validate(document, strict=False)


def ended(
    reference: str = "BPI-VTE-0001", on: date = date(2025, 3, 2), reason: str = "ended-early"
) -> EndVteContractV2:
    document = {"contract_reference": reference, "reason": reason, "ended_on": on.isoformat()}
    return EndVteContractV2.model_validate(document, strict=False)


def payment(amount: int, ref: str = "PAY-1", reference: str = "BPI-VTE-0001") -> RecordVteAidPaymentV2:
    return RecordVteAidPaymentV2(
        contract_reference=reference, payment_reference=ref, amount_cents=amount, paid_on=date(2024, 10, 1)
    )


def housing(amount: int, ref: str = "AL-1", reference: str = "BPI-VTE-0001") -> RecordVteHousingAid:
    document = {
        "contract_reference": reference,
        "housing_aid_reference": ref,
        "amount_cents": amount,
        "granted_on": "2024-09-10",
    }
    return RecordVteHousingAid.model_validate(document, strict=False)
