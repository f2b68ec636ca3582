"""`python -m tdi_runtime.dlq`: list a consumer group's dead letters and re-drive them to their source topic.

Re-driving republishes the original key, the value a dead letter keeps and the headers the platform reads (plus
`tdi_redriven_from`, `tdi_redrive_attempts`, how many times it failed so far, and `tdi_redriven_sha256`, the
original value's hash the inbox compares) to the topic the record came from; the consumer applies it again
because its inbox marks the event as rejected, not applied. A failed re-drive becomes a dead letter whose
`attempts` is one more.

What can be re-driven: a dead letter keeps the payload as its contract reads it (`original_value_kept:
contract`, fields the contract does not know removed: they may hold personal data), and that form is what is
re-sent. A record whose payload could not be read keeps no value (`none`): it is listed, never re-driven (its
producer must send it again, corrected). Older dead letters kept the raw value's first 64 KiB: re-driven when
that is the whole value.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass
from typing import Any

import typer
from aiokafka import AIOKafkaProducer
from rich.console import Console
from rich.table import Table

from tdi_contracts.topics import dlq_topic
from tdi_runtime.deadletters import ATTEMPTS_HEADER, keeps_header_value
from tdi_runtime.delivery import REDRIVEN_DIGEST_HEADER, REDRIVEN_FROM_HEADER
from tdi_runtime.doors.demarches import cli as demarches_cli
from tdi_runtime.kafka import PRODUCER_SETTINGS, read_to_end, security_options

app = typer.Typer(help="Dead letters of a consumer group: list them, re-drive them.", no_args_is_help=True)
console = Console(width=200)
app.add_typer(demarches_cli.app, name="demarches")  # the DS door's dead letters: a table, not a topic


@dataclass(frozen=True)
class DeadLetter:
    offset: int
    code: str
    reason: str
    source_topic: str
    source_partition: int
    source_offset: int
    event_type: str
    event_id: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]
    attempts: int = 1
    complete: bool = True  # what is kept can be re-driven (the contract form, or the whole raw value of old ones)
    kept: str | None = None  # original_value_kept: "contract", "none", or None (older: a raw prefix)
    original_sha256: str | None = None


def parse(record: Any) -> DeadLetter:
    body = json.loads(record.value)
    headers = [(h["name"], h["value"].encode()) for h in body["original_headers"]]
    found = dict(headers)
    value = base64.b64decode(body["original_value_base64"])
    kept = body.get("original_value_kept")
    complete = kept == "contract" if kept is not None else body.get("original_value_bytes") in (None, len(value))
    return DeadLetter(
        offset=record.offset,
        code=body["code"],
        reason=body["reason"],
        source_topic=body["original_topic"],
        source_partition=body["original_partition"],
        source_offset=body["original_offset"],
        event_type=found.get("ce_type", b"").decode(),
        event_id=found.get("ce_id", b"").decode(),
        key=None if body["original_key"] is None else body["original_key"].encode(),
        value=value,
        headers=headers,
        attempts=body.get("attempts", 1),
        complete=complete,
        kept=kept,
        original_sha256=body.get("original_value_sha256"),
    )


async def read_dead_letters(bootstrap: str, group: str) -> list[DeadLetter]:
    """Every dead letter of `group`, oldest first (the topic is read from its start, no group committed)."""
    return [parse(r) for r in await read_to_end(bootstrap, dlq_topic(group))]


def select(letters: list[DeadLetter], offsets: list[int] | None = None, code: str | None = None) -> list[DeadLetter]:
    """The dead letters at these offsets (all if none) with this code (any if None)."""
    return [d for d in letters if (not offsets or d.offset in offsets) and (code is None or d.code == code)]


_SET_BY_REDRIVE = frozenset({REDRIVEN_FROM_HEADER, ATTEMPTS_HEADER, REDRIVEN_DIGEST_HEADER})


def redriven_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    """The headers a re-driven record carries: those the platform reads, then the re-drive's own."""
    headers = [(n, v) for n, v in letter.headers if keeps_header_value(n) and n not in _SET_BY_REDRIVE]
    headers.append((REDRIVEN_FROM_HEADER, str(letter.offset).encode()))
    headers.append((ATTEMPTS_HEADER, str(letter.attempts).encode()))
    if letter.kept == "contract" and letter.original_sha256:
        headers.append((REDRIVEN_DIGEST_HEADER, letter.original_sha256.encode()))
    return headers


async def redrive(bootstrap: str, letters: list[DeadLetter]) -> int:
    """Republish the dead letters that can be (`complete`) to their source topic; returns how many were sent."""
    letters = [d for d in letters if d.complete]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **PRODUCER_SETTINGS, **security_options())
    await producer.start()
    try:
        for letter in letters:
            headers = redriven_headers(letter)
            await producer.send_and_wait(letter.source_topic, value=letter.value, key=letter.key, headers=headers)
        return len(letters)
    finally:
        await producer.stop()


_NOT_REDRIVABLE = {"none": "contenu non conservé"}


@app.command("list")
def list_(
    group: str,
    code: str | None = typer.Option(None, help="Only dead letters with this code"),
    bootstrap: str = typer.Option(..., envvar="KAFKA_BOOTSTRAP_SERVERS"),
) -> None:
    """Show the dead letters of GROUP (e.g. tdi-funding)."""
    table = Table("offset", "code", "reason", "source", "event type", "event id", "attempts")
    for d in select(asyncio.run(read_dead_letters(bootstrap, group)), code=code):
        source = f"{d.source_topic}[{d.source_partition}]@{d.source_offset}"
        attempts = (
            str(d.attempts) if d.complete else f"{d.attempts} ({_NOT_REDRIVABLE.get(d.kept or '', 'copie partielle')})"
        )
        table.add_row(str(d.offset), d.code, d.reason, source, d.event_type, d.event_id, attempts)
    console.print(table)


@app.command("redrive")
def redrive_(
    group: str,
    offsets: list[int] = typer.Option([], "--offset", help="Dead-letter offsets to re-drive (default: all)"),
    code: str | None = typer.Option(None, help="Only dead letters with this code"),
    bootstrap: str = typer.Option(..., envvar="KAFKA_BOOTSTRAP_SERVERS"),
) -> None:
    """Republish dead letters of GROUP to their source topic, once their cause is fixed."""
    letters = select(asyncio.run(read_dead_letters(bootstrap, group)), offsets, code)
    count = asyncio.run(redrive(bootstrap, letters))
    console.print(f"{count} dead letters re-driven to their source topic")
    if count < len(letters):
        console.print(
            f"{len(letters) - count} kept no value that can be sent again (unreadable, or older partial copies):"
            " not re-driven; their producers must send them again"
        )


if __name__ == "__main__":
    app()
