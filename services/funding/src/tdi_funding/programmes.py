"""A programme's rules by its code: the catalogue's (the State's offer)."""

from __future__ import annotations

from tdi_contracts.reference import Programme
from tdi_contracts.reference.programmes_catalogue import CATALOGUE, ProgrammeRules
from tdi_funding.domain.errors import UnknownProgrammeError
from tdi_runtime.db import Connection


async def rules_for(conn: Connection, code: str) -> ProgrammeRules:
    """The rules of a programme, or UNKNOWN_PROGRAMME."""
    try:
        return CATALOGUE[Programme(code)]
    except ValueError:
        raise UnknownProgrammeError(
            f"Le programme « {code} » n'est ni au catalogue ni déclaré par un partenaire.",
            details={"field": "programme", "value": code},
        ) from None
