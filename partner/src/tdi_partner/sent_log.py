"""The sent log: one JSON line per command the broker acknowledged, so `follow` knows what to expect."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tdi_partner.commands import Command


def append(path: Path, source: Path, commands: list[Command]) -> None:
    """Record the acknowledged commands of one file (event id, type, line) after a send."""
    with path.open("a", encoding="utf-8") as log:
        for c in commands:
            entry = {"id": c.event_id, "type": c.type, "file": str(source), "line": c.line}
            log.write(json.dumps({**entry, "sent_at": datetime.now(UTC).isoformat()}) + "\n")


def read(path: Path) -> dict[str, dict[str, object]]:
    """The sent entries by event id (a re-send of the same command keeps one entry)."""
    if not path.exists():
        return {}
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(e["id"]): e for e in entries}
