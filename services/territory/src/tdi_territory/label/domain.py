"""A territory entering the list after the first start (the 183rd of the announcement), from staff's input."""

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Departement
from tdi_runtime.errors import DomainError
from tdi_territory import limits
from tdi_territory.domain import Territory
from tdi_territory.reference.names import platform_territory_id, slugify


def new_territory(name: str, departements: list[str], official_id: str) -> Territory:
    """The territory with its platform id, made by the same rule as the annex's (lowest region, slug of the name)."""
    regions = sorted({Departement(code).region.value for code in departements})
    if len(regions) > limits.MAX_REGIONS:
        message = f"Un territoire s'étend sur {limits.MAX_REGIONS} régions au plus (ici {len(regions)})."
        raise DomainError(ErrorCode.INVALID_TERRITORY, message, field="departements")
    if not slugify(name):
        raise DomainError(ErrorCode.INVALID_TERRITORY, "Le nom du territoire doit contenir des lettres.", field="name")
    territory_id = platform_territory_id(name, regions)
    return Territory(territory_id, name, tuple(departements), tuple(regions), len(regions) > 1, official_id)
