"""How much one territory may hold: read off the contract of its reference state, so the rule and the
schema cannot drift apart (a territory beyond them could not be announced on the reference topic)."""

from annotated_types import Le, MaxLen

from tdi_contracts.events.territory import TerritoryReferenceUpdated


def _contract_bound(field: str) -> int:
    for constraint in TerritoryReferenceUpdated.model_fields[field].metadata:
        if isinstance(constraint, MaxLen):
            return int(constraint.max_length)
        if isinstance(constraint, Le):
            return int(str(constraint.le))
    raise LookupError(f"TerritoryReferenceUpdated.{field} has no upper bound")


MAX_EPCI = _contract_bound("epci_sirens")
"""Member EPCI at one time (40)."""
MAX_ACTIVE_BINOMES = _contract_bound("active_binomes")
"""Binômes in office at one time (50)."""
MAX_CHEFS_DE_PROJET = _contract_bound("chefs_de_projet")
"""Open chef de projet posts serving the territory, shared ones included (10)."""
MAX_DEPARTEMENTS = _contract_bound("departements")
"""Départements one territory spans (12)."""
MAX_REGIONS = _contract_bound("regions")
"""Regions one territory spans (3)."""
