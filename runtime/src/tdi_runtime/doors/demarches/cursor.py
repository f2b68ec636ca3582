"""The cursor arithmetic of the poller: pure functions, no I/O.

- A poll asks for the dossiers changed since `watermark − overlap` (`updatedSince` is inclusive). The overlap
  re-reads the edge: DS stamps `updated_at` before its transaction commits, so a dossier stamped earlier can become
  visible after a later one was read (the "late commit" trap of any outbox); re-reading costs nothing because a
  snapshot already applied is a no-op.
- The watermark is the newest `dateDerniereModification` applied; it never goes back.
- A dossier's snapshot is applied only if it is newer than the last one applied to it: a later time, or the same
  second with another state (DS gives times to the second; reads of one démarche are applied one at a time in
  read order, and a read always gives the dossier's current state, so the later read is the later change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tdi_runtime.doors.demarches.model import DossierState


@dataclass(frozen=True)
class Applied:
    """The last snapshot of a dossier the door applied: its DS time and state."""

    updated_at: datetime
    state: DossierState


def query_since(watermark: datetime | None, overlap: timedelta, start: datetime) -> datetime:
    """`updatedSince` of the next poll: the start before anything was applied, else the watermark less the overlap
    (never before the start)."""
    if watermark is None:
        return start
    return max(start, watermark - overlap)


def advanced(watermark: datetime | None, seen: datetime) -> datetime:
    """The watermark after a dossier changed at `seen` was handled (applied, ignored or dead-lettered)."""
    return seen if watermark is None else max(watermark, seen)


def is_newer(updated_at: datetime, state: DossierState, applied: Applied | None) -> bool:
    """Whether a snapshot must be applied: "a dossier seen twice has one effect", and never backwards in time."""
    if applied is None:
        return True
    if updated_at != applied.updated_at:
        return updated_at > applied.updated_at
    return state != applied.state


def settled(previous: Applied | None, state: DossierState) -> DossierState:
    """The state the door remembers for a dossier after applying a snapshot in `state`.

    Once a dossier has been under instruction it never goes back to `en_construction` for the platform: DS's
    « repasser en construction » asks the applicant for corrections, the instruction is not undone (DS keeps its
    `datePassageEnInstruction`). So the door remembers `en_instruction`, and a translator told `previous =
    en_construction` knows the dossier was never instructed.
    """
    if state is DossierState.EN_CONSTRUCTION and previous is not None and previous.state is not state:
        return DossierState.EN_INSTRUCTION
    return state
