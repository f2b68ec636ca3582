"""What the stream sent and what it was told: the checker's expectations, one record per command."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PartnerEvent:
    """One partner command published (maybe several times: duplicates), by its event id."""

    event_id: str
    partner: str
    type: str
    ref: str  # the business key the checker finds its effect by (application id, grant id, contract id...)
    sends: int = 0
    accepted: bool | None = None  # the last answer seen by the driver (None: none yet)
    resulting: tuple[str, ...] = ()


@dataclass
class Ledger:
    tag: str
    partner_events: dict[str, PartnerEvent] = field(default_factory=dict)
    http: dict[str, tuple[int, Any]] = field(default_factory=dict)  # Idempotency-Key -> (status, body)
    refused: dict[str, list[str]] = field(default_factory=dict)  # Idempotency-Key -> refusals retried with it
    poison: dict[str, str] = field(default_factory=dict)  # poison event id -> topic
    applications: dict[int, str] = field(default_factory=dict)  # unit -> application id
    grants: dict[int, str] = field(default_factory=dict)  # unit -> grant id
    contracts: dict[int, str] = field(default_factory=dict)  # unit -> VTE contract reference
    applied: int = 0  # commands the driver saw applied (HTTP 2xx, partner acceptances)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_applied(self, n: int = 1) -> None:
        with self._lock:
            self.applied += n

    @property
    def events(self) -> int:
        """Commands sent: HTTP commands, partner events (each send), poison records."""
        return len(self.http) + sum(e.sends for e in self.partner_events.values()) + len(self.poison)
