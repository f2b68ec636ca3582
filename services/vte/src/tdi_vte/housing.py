"""Action Logement's housing aid, declared on a contract: recorded once per aid reference, outside the VTE aid
(it is another funder's aid to the young person, not to the company, and not counted in the 12,000 EUR)."""

from __future__ import annotations

from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.vte import RecordVteHousingAid, VteHousingAidRecorded
from tdi_runtime.errors import DomainError
from tdi_vte.domain import VteContract


def record_housing_aid(c: VteContract, aid: RecordVteHousingAid) -> list[Any]:
    """The same aid again changes nothing; the same reference with another amount is refused."""
    known = c.housing_aids.get(aid.housing_aid_reference)
    if known is not None:
        if known == aid.amount_cents:
            return []
        detail = f"L'aide au logement {aid.housing_aid_reference} est déjà enregistrée avec un autre montant."
        raise DomainError(ErrorCode.CONFLICTING_REDELIVERY, detail)
    c.housing_aids[aid.housing_aid_reference] = aid.amount_cents
    return [
        VteHousingAidRecorded(
            vte_contract_id=c.vte_contract_id,
            territory_id=c.territory_id,
            housing_aid_reference=aid.housing_aid_reference,
            amount_cents=aid.amount_cents,
            granted_on=aid.granted_on,
        )
    ]
