"""Reference data from the source documents: regions, départements, axes, categories, programmes, partners."""

from .action_plans import Axis, Category, categories_of
from .departements import Departement
from .organisations import CompanySize, LocalAuthorityType
from .partners import Partner
from .programmes import Instrument, Programme, ValueChain
from .regions import Region

__all__ = [
    "Axis",
    "Category",
    "CompanySize",
    "Departement",
    "Instrument",
    "LocalAuthorityType",
    "Partner",
    "Programme",
    "Region",
    "ValueChain",
    "categories_of",
]
