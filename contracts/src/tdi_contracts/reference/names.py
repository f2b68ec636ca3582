"""Regions and départements as people write them: the INSEE code or the official name, accents, case and
punctuation ignored ("Grand Est", "grand-est", "44"; "Côte-d'Or", "cote d or", "21").

`RegionParam` and `DepartementParam` are the one type of every `region` / `departement` query parameter of the
services; a value that names nothing is refused with the codes and names to choose from (`unknown_region`,
`unknown_departement` in the French catalogue of `tdi_contracts.field_errors`).
"""

import re
import unicodedata
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .departements import Departement
from .regions import Region

REGION_CHOICES = ", ".join(f"{r.value} {r.label}" for r in sorted(Region, key=lambda r: r.value))
"""What an unknown region is answered with: "01 Guadeloupe, 02 Martinique, …, 44 Grand Est, …"."""


def folded(text: str) -> str:
    """Lower case, no accents, words separated by one space: how two spellings of one name are compared."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower()).split())


_REGIONS = {folded(key): r for r in Region for key in (r.value, r.label)}
_DEPARTEMENTS = {folded(key): d for d in Departement for key in (d.value, d.label)}


def region_named(text: str) -> Region | None:
    """The region whose INSEE code or official name `text` is, whatever its accents and case."""
    return _REGIONS.get(folded(text))


def departement_named(text: str) -> Departement | None:
    """The département whose INSEE code or official name `text` is, whatever its accents and case."""
    return _DEPARTEMENTS.get(folded(text))


def _region(value: Any) -> Any:
    if isinstance(value, Region) or not isinstance(value, str):
        return value  # an enum member as is; another type gets the enum's own error
    found = region_named(value)
    if found is None:
        raise PydanticCustomError("unknown_region", "unknown region; expected one of {expected}",
                                  {"expected": REGION_CHOICES})  # fmt: skip
    return found


def _departement(value: Any) -> Any:
    if isinstance(value, Departement) or not isinstance(value, str):
        return value
    found = departement_named(value)
    if found is None:
        raise PydanticCustomError("unknown_departement", "unknown département: an INSEE code or a name is expected")
    return found


RegionParam = Annotated[
    Region,
    BeforeValidator(_region),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": [r.value for r in Region]},
                {"type": "string", "enum": [r.label for r in Region]},
            ],
            "description": "INSEE region code or official name (accents and case ignored), e.g. 44 or Grand Est",
        }
    ),
]
"""A region written by a person (a query parameter): its INSEE code or its name."""

DepartementParam = Annotated[
    Departement,
    BeforeValidator(_departement),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": [d.value for d in Departement]},
                {"type": "string", "enum": [d.label for d in Departement]},
            ],
            "description": "INSEE département code (text: 51, 2A, 971) or official name, e.g. 51 or Marne",
        }
    ),
]
"""A département written by a person (a query parameter): its INSEE code or its name."""
