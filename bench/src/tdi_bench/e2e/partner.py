"""Bpifrance's side of the run: VTE contracts (RecordVteContract v2) built once, sent on its ingress topic.

Records are validated and encoded by the partner SDK (`tdi_partner`) as a partner would send them, before any
clock starts; sending is then a plain idempotent producer (acks=all), at full speed or at a fixed pace. Each
establishment stands in a commune of a territory whose perimeter the platform knows (`tdi_localstack.perimeters`,
joined before the run: issue 24), so every contract is granted at once, never held.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer

from tdi_contracts.reference import Partner
from tdi_localstack.demo_data import siren, siret
from tdi_localstack.perimeters import KnownPerimeter
from tdi_partner.client import record_of
from tdi_partner.commands import validate
from tdi_vte.domain import contract_id_of

BPIFRANCE = Partner("bpifrance")
RECORD_CONTRACT = "fr.territoires-industrie.vte.RecordVteContract.v2"
SIZES = ("pme", "eti")  # eligible employers: every contract is granted its aid
TEMPLATES = 200
_PLACEHOLDER = b"XQXQXQX"  # 7 characters, as the numbers that replace it
_IDS = uuid.UUID("0b7c3e52-8d1f-4a6e-9c2b-5e4f3a2d1c0b")


@dataclass(frozen=True)
class PartnerRecord:
    """One encoded command, and the contract it records."""

    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]
    reference: str

    @property
    def contract_id(self) -> str:
        """The id of the read-model row it ends in (`rm_vte_contract`), as the vte service derives it."""
        return str(contract_id_of(self.reference))


def contract(run: str, n: int, territory: KnownPerimeter) -> dict[str, Any]:
    return {
        "contract_reference": reference(run, n),
        "establishment": {"siret": siret(n), "siren": siren(n), "size": SIZES[n % 2],
                          "commune_insee": territory.commune(n)},
        "territory_id": territory.territory_id,
        "candidate": {"candidate_reference": f"BPI-CAND-BENCH-{run}-{n:07d}", "status": "jeune-diplome",
                      "study_level": "bac+5", "graduated_in": "2026-06"},
        "contract_type": "cdi",
        "duration_months": None,
        "starts_on": "2026-10-01",
        "signed_on": "2026-09-15",
        "aid_requested_on": "2026-10-20",
    }  # fmt: skip


def make_records(run: str, start: int, count: int, territories: Sequence[KnownPerimeter]) -> list[PartnerRecord]:
    """`count` distinct contracts numbered from `start`, spread over the territories.

    The SDK validates and encodes one contract per establishment template (a few hundred); each record is
    then its template's bytes with its own contract and candidate number and event id, as the SDK would
    have encoded them (the SDK's full path costs ~1 ms a record: minutes for a sustained run).
    """
    templates = [_template(run, t, territories[t % len(territories)]) for t in range(min(count, TEMPLATES))]
    base = uuid.uuid5(_IDS, run).int & ~0xFFFFFFFF  # event ids: the run's own, numbered (uuid5 is slow)
    records = []
    for n in range(start, start + count):
        topic, key, value, headers, event_id = templates[n % len(templates)]
        number, new_id = f"{n:07d}".encode(), str(uuid.UUID(int=base | n)).encode()
        records.append(
            PartnerRecord(
                topic,
                None if key is None else key.replace(_PLACEHOLDER, number),
                value.replace(_PLACEHOLDER, number),
                [(h, v.replace(_PLACEHOLDER, number).replace(event_id, new_id)) for h, v in headers],
                reference(run, n),
            )
        )
    return records


def reference(run: str, n: int) -> str:
    return f"BPI-VTE-BENCH-{run}-{n:07d}"


Template = tuple[str, bytes | None, bytes, list[tuple[str, bytes]], bytes]


def _template(run: str, t: int, territory: KnownPerimeter) -> Template:
    values = contract(run, t, territory)
    values["contract_reference"] = f"BPI-VTE-BENCH-{run}-{_PLACEHOLDER.decode()}"
    values["candidate"]["candidate_reference"] = f"BPI-CAND-BENCH-{run}-{_PLACEHOLDER.decode()}"
    command = validate(BPIFRANCE, t, RECORD_CONTRACT, values)
    if not command.valid:
        raise ValueError(f"bench contract refused by the contracts: {command.errors}")
    topic, key, value, headers = record_of(BPIFRANCE, command)
    return topic, key, value, headers, command.event_id.encode()


async def producer(bootstrap: str) -> AIOKafkaProducer:
    sender = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await sender.start()
    return sender


async def send_all(sender: AIOKafkaProducer, records: Sequence[PartnerRecord]) -> float:
    """Every record in flight at once (the partner's full speed); returns the seconds until the last ack."""
    started = time.perf_counter()
    futures = [await sender.send(r.topic, r.value, key=r.key, headers=r.headers) for r in records]
    await asyncio.gather(*futures)
    return time.perf_counter() - started


async def send_paced(
    sender: AIOKafkaProducer,
    records: Sequence[PartnerRecord],
    rate: float,
    sent_at: dict[str, float],
    sent_ns: dict[str, int] | None = None,
) -> None:
    """One record every 1/rate s on the monotonic clock; `sent_at[contract_id]` = when its send was called (and
    `sent_ns[contract_id]` the same moment in epoch ns, the spans' clock)."""
    started = time.perf_counter()
    futures = []
    for i, r in enumerate(records):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent_at[r.contract_id] = time.perf_counter()
        if sent_ns is not None:
            sent_ns[r.contract_id] = time.time_ns()
        futures.append(await sender.send(r.topic, r.value, key=r.key, headers=r.headers))
        if len(futures) >= 64:
            await asyncio.gather(*futures)
            futures.clear()
    await asyncio.gather(*futures)
