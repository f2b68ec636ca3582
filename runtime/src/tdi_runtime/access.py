"""The names services imported before the one caller model (`tdi_runtime.pipeline.caller`): a temporary shim.

`Access` is `Caller` (same fields, same rules); `Reach` is what a not yet ported use case is handed to check a
region. Both go once territory, actions, funding and reporting are on the pipeline (issue 23, step 4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tdi_runtime.pipeline.caller import (
    COUNTS_ONLY_ROLES,
    NATIONAL_ROLES,
    OWN_PROGRAMME,
    PROGRAMME_WRITE_ROLES,
    READ_ROLES,
    REGION_ROLES,
    SENSITIVE,
    TERRITORY_ROLE,
    WRITE_ROLES,
    Caller,
)

Access = Caller

Reach = Callable[[Iterable[str]], None]
"""What a use case calls with the regions of the object it is about to write: `caller.require_region`."""

__all__ = [
    "COUNTS_ONLY_ROLES",
    "NATIONAL_ROLES",
    "OWN_PROGRAMME",
    "PROGRAMME_WRITE_ROLES",
    "READ_ROLES",
    "REGION_ROLES",
    "SENSITIVE",
    "TERRITORY_ROLE",
    "WRITE_ROLES",
    "Access",
    "Reach",
]
