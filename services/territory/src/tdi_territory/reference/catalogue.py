"""The committed list of Temps II territories (territories.json), loaded as plain value objects."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ANNOUNCED_TOTAL = 183
"""Territories announced by the programme (press kit, 9 Nov 2023); the annex yields one fewer.

See RECONCILIATION.md next to this module."""

REFERENCE_FILE = Path(__file__).with_name("territories.json")


@dataclass(frozen=True)
class ReferenceTerritory:
    """One labelled territory; official_id (e.g. "ti-8413") is filled once the open data is loaded."""

    id: str
    official_id: str | None
    name: str
    departements: tuple[str, ...]
    regions: tuple[str, ...]
    interregional: bool
    annex_lines: tuple[int, ...]


def parse_reference(text: str) -> tuple[ReferenceTerritory, ...]:
    """Read a territories.json document."""
    return tuple(
        ReferenceTerritory(
            id=row["id"],
            official_id=row["official_id"],
            name=row["name"],
            departements=tuple(row["departements"]),
            regions=tuple(row["regions"]),
            interregional=row["interregional"],
            annex_lines=tuple(row["annex_lines"]),
        )
        for row in json.loads(text)["territories"]
    )


@cache
def load_reference() -> tuple[ReferenceTerritory, ...]:
    """The committed reference list, read next to this module so it works once installed too."""
    return parse_reference(REFERENCE_FILE.read_text(encoding="utf-8"))
