"""Memory and CPU of processes, read from /proc (Linux): a service, the broker, PostgreSQL's process tree."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    rss_mib: float
    pss_mib: float  # proportional share: pages shared by several processes counted once over all of them
    cpu_s: float
    processes: int

    def as_dict(self) -> dict[str, float | int]:
        return {"rss_mib": round(self.rss_mib, 1), "pss_mib": round(self.pss_mib, 1),
                "cpu_s": round(self.cpu_s, 2), "processes": self.processes}  # fmt: skip


def _kib(path: Path, field: str) -> float:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def children_of(pid: int) -> list[int]:
    """Every descendant of `pid` (PostgreSQL's backends, a service's workers), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        frontier += kids
    return found


def usage(pid: int, *, tree: bool = False) -> Usage:
    """RSS, PSS (MiB) and CPU seconds so far of `pid`, with its descendants when `tree`."""
    pids = [pid, *children_of(pid)] if tree else [pid]
    rss = sum(_kib(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids) / 1024
    pss = sum(_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids) / 1024
    return Usage(rss, pss, sum(_cpu_s(p) for p in pids), len(pids))
