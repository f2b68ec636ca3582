"""The one geography of the platform: commune → département → region (INSEE codes), and their patterns.

A commune's INSEE code is its département's code followed by its number: 2 characters then 3 digits in
metropolitan France ("51454", Corsica "2A004"), 3 characters then 2 digits overseas ("97411"). The patterns
below are the published ones (every JSON Schema quotes them, and a changed pattern is a breaking change for
the compatibility checker); `tests/test_geography.py` proves, over every candidate code, that each accepts
exactly the codes of the `Region` and `Departement` enums, so the enums stay the one source of truth.
"""

from __future__ import annotations

import re

from .departements import Departement
from .regions import Region

REGION_PATTERN = r"^(0[1-46]|11|24|27|28|32|44|52|53|75|76|84|93|94)$"
"""INSEE region codes: the 18 of `Region`."""
DEPARTEMENT_PATTERN = r"^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-46])$"
"""INSEE département codes, text: the 101 of `Departement` ('01'..'95' but '20', '2A', '2B', '971'..'974', '976')."""
COMMUNE_PATTERN = r"^(?:(?:0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5])[0-9]{3}|2[AB][0-9]{3}|97[1-46][0-9]{2})$"
"""INSEE commune codes: a département's code, then the commune's number (5 characters in all)."""

_COMMUNE = re.compile(COMMUNE_PATTERN)
_DEPARTEMENTS = {d.value: d for d in Departement}


def is_commune(insee: str) -> bool:
    """Whether `insee` is the code of a commune of a known département."""
    return _COMMUNE.fullmatch(insee) is not None


def departement_of_commune(insee: str) -> Departement:
    """'51454' -> Marne (51), '2A004' -> Corse-du-Sud, '97411' -> La Réunion (overseas: 3 characters)."""
    if not is_commune(insee):
        raise ValueError(f"{insee!r} is not an INSEE commune code")
    return _DEPARTEMENTS[insee[:3] if insee.startswith("97") else insee[:2]]


def region_of_commune(insee: str) -> Region:
    """The region of a commune, through its département."""
    return departement_of_commune(insee).region
