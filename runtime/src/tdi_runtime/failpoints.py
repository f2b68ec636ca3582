"""Crash points for the fault suite: a process kills itself (SIGKILL) at a named point of the kit.

`TDI_FAILPOINTS="relay-after-ack@3,consumer-after-db-commit@5"` makes the process die at the 3rd time the relay
had a batch acknowledged by the broker and before it marked the rows sent, or at the 5th consumer batch
committed to the database and before its offsets are marked for commit. Unset (production), `hit` only reads a
dict. Used by `tdi_localstack.faults` to land a kill -9 exactly in the windows that make duplicates possible.
"""

from __future__ import annotations

import os
import signal

RELAY_AFTER_ACK = "relay-after-ack"
CONSUMER_AFTER_DB_COMMIT = "consumer-after-db-commit"


def _parse(text: str) -> dict[str, int]:
    points: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, nth = item.partition("@")
        points[name] = int(nth or "1")
    return points


_ARMED = _parse(os.environ.get("TDI_FAILPOINTS", ""))
_HITS: dict[str, int] = {}


def hit(name: str) -> None:
    """Count one passage through `name`; on its armed count, die at once as a kill -9 would."""
    if name not in _ARMED:
        return
    _HITS[name] = _HITS.get(name, 0) + 1
    if _HITS[name] == _ARMED[name]:
        os.kill(os.getpid(), signal.SIGKILL)
