"""Reading an uploaded file in a child process bounded in time and memory, so that no file can exhaust the
service's memory or hold its event loop.

`read_table` (in `spreadsheet`) already reads a file by what it holds, within its caps; this is the backstop for
what those caps cannot foresee (a single XML row of a million cells inside the unpacked limit, a parser's own
blow-up). The child is a fresh `python -m tdi_actions.importing.bounded`: it caps its own address space at its
size on start plus `parse_memory_bytes`, reads the file from its stdin and writes the rows (or the refusal) as
JSON on its stdout (JSON, not pickle: nothing the child writes can run code in the service). Past
`parse_timeout_s` it is killed. Either bound refuses the file with `IMPORT_FILE_TOO_LARGE` (413).
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from typing import Any

import structlog

from tdi_actions.importing.spreadsheet import Table, read_table
from tdi_actions.settings import ImportSettings
from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.errors import DomainError

log = structlog.get_logger(__name__)
_MIB = 1024 * 1024


async def read_table_bounded(data: bytes, limits: ImportSettings) -> Table:
    """`read_table` in a bounded child process, awaited from a thread: the event loop keeps serving meanwhile."""
    return await asyncio.to_thread(read_table_in_worker, data, limits)


def read_table_in_worker(data: bytes, limits: ImportSettings) -> Table:
    """`read_table` in a bounded child process (blocking: for a thread or a command-line tool)."""
    if len(data) > limits.max_bytes:  # refused at once, no child needed
        return read_table(data, max_bytes=limits.max_bytes, max_rows=limits.max_rows)
    caps = {
        "max_bytes": limits.max_bytes,
        "max_rows": limits.max_rows,
        "max_columns": limits.max_columns,
        "max_uncompressed_bytes": limits.max_uncompressed_bytes,
    }
    command = [sys.executable, "-m", __name__, json.dumps({**caps, "memory_bytes": limits.parse_memory_bytes})]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=limits.parse_timeout_s, check=False)
    except subprocess.TimeoutExpired as error:  # run() has killed the child
        message = (
            f"La lecture du fichier dépasse {limits.parse_timeout_s:g} secondes, la limite de la plateforme :"
            " découpez le plan d'actions ou enregistrez-le en CSV."
        )
        raise DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, message, parse_timeout_s=limits.parse_timeout_s) from error
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = {}
    if "rows" in answer:
        return Table([(int(line), dict(cells)) for line, cells in answer["rows"]])
    if "refused" in answer:
        refused = answer["refused"]
        code = ErrorCode(
            refused["code"]
        )  # the child's refusal, as it raised it: the catalogue's sentence, then its own
        detail = refused["message"].removeprefix(REASONS[code]).strip() or None
        raise DomainError(code, detail, **refused["details"])
    if not answer.get("memory"):  # died without a word: out of memory before it could say so, or a defect
        log.warning(
            "import_worker_failed", returncode=done.returncode, stderr=done.stderr[-2000:].decode(errors="replace")
        )
    megabytes = limits.parse_memory_bytes // _MIB
    message = (
        f"La lecture du fichier demande plus de {megabytes} Mio de mémoire, la limite de la plateforme :"
        " découpez le plan d'actions ou enregistrez-le en CSV."
    )
    raise DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, message, parse_memory_bytes=limits.parse_memory_bytes)


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(argv: list[str]) -> dict[str, Any]:
    caps = json.loads(argv[1])
    limit = _address_space() + caps.pop("memory_bytes")
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    try:
        return {"rows": read_table(data, **caps).rows}
    except DomainError as refused:
        return {"refused": {"code": refused.code, "message": refused.message, "details": refused.details}}
    except MemoryError:
        return {"memory": True}


if __name__ == "__main__":
    outcome = _child(sys.argv)
    sys.stdout.write(json.dumps(outcome, ensure_ascii=False))
