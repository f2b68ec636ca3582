"""THE handlers of reporting: its folds, one per event class (`folds_*.py`, registered on `folding.registry`), and
the kit's territory projection, whichever way an event arrives (the live consumer, a rebuild, a replay of the
history). Reporting accepts no command: its registry holds events only."""

from __future__ import annotations

from tdi_reporting import (  # noqa: F401  (their folds register on `folding.registry` as they load)
    folds_actions,
    folds_funding,
    folds_partners,
    folds_registers,
    folds_territory,
    folds_vte,
)
from tdi_reporting.folding import DEFINITIONS, UnknownDefinitionError, registry
from tdi_reporting.repositories import ReportingUnitOfWork
from tdi_runtime.pipeline import Registry


def registry_for(version: int = 1) -> Registry[ReportingUnitOfWork]:
    """Every fold of a definition: those of definitions 1 to `version`, the highest winning for each event type."""
    if version not in DEFINITIONS:
        raise UnknownDefinitionError(f"no fold definition {version}: known {sorted(DEFINITIONS)}")
    if version == 1:
        return registry
    combined: Registry[ReportingUnitOfWork] = Registry()
    for later in sorted((v for v in DEFINITIONS if v <= version), reverse=True):
        for type_name in sorted(DEFINITIONS[later].types):
            found = DEFINITIONS[later].for_type(type_name)
            if found is not None and found.model is not None and combined.for_type(type_name) is None:
                combined.handles(found.model, prefetch=found.prefetch)(found.handler)
    return combined
