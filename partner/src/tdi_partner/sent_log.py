"""The sent log: one JSON line per command the broker acknowledged, in send order, so `follow` knows what to expect
and `verify` what the platform's chain must hold (id, type, service, source, key and `event_hash` of each)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tdi_partner.client import Sent
from tdi_partner.commands import Command


def append(path: Path, source: Path, commands: list[Command], sent: dict[str, Sent] | None = None) -> None:
    """Record the acknowledged commands of one file (event id, type, line; with `sent`, what `verify` needs) after a
    send, in the order given (give the send order)."""
    sent = sent or {}
    with path.open("a", encoding="utf-8") as log:
        for c in commands:
            entry: dict[str, object] = {"id": c.event_id, "type": c.type, "file": str(source), "line": c.line}
            if (s := sent.get(c.event_id)) is not None:
                entry |= {"service": s.service, "source": s.source, "key": s.key, "hash": s.event_hash}
            log.write(json.dumps({**entry, "sent_at": datetime.now(UTC).isoformat()}) + "\n")


def read(path: Path) -> dict[str, dict[str, object]]:
    """The sent entries by event id (a re-send of the same command keeps one entry)."""
    if not path.exists():
        return {}
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(e["id"]): e for e in entries}


def in_send_order(path: Path) -> list[dict[str, object]]:
    """The sent entries in send order; an event sent again keeps its first place (the platform links it once)."""
    seen: dict[str, dict[str, object]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            seen.setdefault(str(entry["id"]), entry)
    return list(seen.values())
