"""The lifecycle of a fiche action: which step may follow which, and that each step is dated in order."""

from __future__ import annotations

from datetime import date

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference.labels import FicheStatus
from tdi_runtime.errors import DomainError

__all__ = ["ALLOWED", "ORDER", "FicheStatus", "check_move", "path_to"]
"""`FicheStatus` (codes, French words, `closed`) is the contracts', so every screen and export says the same word."""

ALLOWED: dict[FicheStatus, frozenset[FicheStatus]] = {
    FicheStatus.PROPOSED: frozenset({FicheStatus.PLANNED, FicheStatus.ABANDONED}),
    FicheStatus.PLANNED: frozenset({FicheStatus.IN_PROGRESS, FicheStatus.ABANDONED}),
    FicheStatus.IN_PROGRESS: frozenset({FicheStatus.DONE, FicheStatus.ABANDONED}),
    FicheStatus.DONE: frozenset(),
    FicheStatus.ABANDONED: frozenset(),
}
"""Each status and the statuses that may follow it (one step at a time, no way back)."""

ORDER = (FicheStatus.PROPOSED, FicheStatus.PLANNED, FicheStatus.IN_PROGRESS, FicheStatus.DONE)
"""The forward path; `abandoned` leaves it from any open step."""


def check_move(current: FicheStatus, target: FicheStatus, on: date, last_step_on: date) -> None:
    """Refuse a step the lifecycle forbids, or one dated before the fiche's last step."""
    if target not in ALLOWED[current]:
        message = f"Une fiche action {current.label} ne peut pas passer à l'état « {target.label} »."
        moving = {"from": current.value, "to": target.value}
        raise DomainError(ErrorCode.FICHE_ACTION_TRANSITION_FORBIDDEN, message, field="status", **moving)
    if on < last_step_on:
        message = (
            f"La date du passage à l'état « {target.label} » ({on.isoformat()}) précède celle de l'étape"
            f" précédente ({last_step_on.isoformat()})."
        )
        raise DomainError(ErrorCode.FICHE_ACTION_DATE_BEFORE_PREVIOUS_STEP, message, field="on", value=on.isoformat())


def path_to(current: FicheStatus, target: FicheStatus) -> list[FicheStatus]:
    """The steps from `current` to `target` along the lifecycle ([] when already there); used by imports,
    where a row states where the fiche stands. A target behind `current` returns [target] (refused later)."""
    if target is current:
        return []
    if target is FicheStatus.ABANDONED or current not in ORDER or target not in ORDER:
        return [target]
    start, end = ORDER.index(current), ORDER.index(target)
    return list(ORDER[start + 1 : end + 1]) if end > start else [target]
