"""Reference data from the source documents: regions, départements, axes, categories, programmes, partners."""

from .action_plans import Axis, Category, categories_of
from .departements import Departement
from .names import DepartementParam, RegionParam
from .organisations import CompanySize, LocalAuthorityType
from .partners import Partner
from .programmes import Instrument, Programme, ProgrammeCode, ValueChain
from .regions import Region

__all__ = [
    "Axis",
    "Category",
    "CompanySize",
    "Departement",
    "DepartementParam",
    "Instrument",
    "LocalAuthorityType",
    "Partner",
    "Programme",
    "ProgrammeCode",
    "Region",
    "RegionParam",
    "ValueChain",
    "categories_of",
]
