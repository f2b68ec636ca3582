"""The partner chain: each partner's accepted events, linked by hashes the partner can recompute (issue 26).

The platform appends one link per accepted event of a partner, per owning service; the partner recomputes every
hash from what it sent (`tdi-partner verify`). Pure: no I/O, shared by the kit and the partner's SDK.

**event_hash** (version `tdi-chain/v1`): SHA-256, in lower-case hex, of the concatenation, for each of the four
fields below in this order, of the field's length in bytes as 8 bytes big-endian, then the field's bytes:
  1. `ce_source` header, UTF-8 (e.g. `/partners/bpifrance`),
  2. `ce_id` header, UTF-8,
  3. `ce_type` header, UTF-8,
  4. the record's value, the bytes exactly as sent (the JSON payload of the CloudEvents binary mode).
Other headers (time, correlation, trace) are left out: they say when and how, not what.

**link_hash**: SHA-256, lower-case hex, of `prev_hash` (32 bytes, decoded from its hex) ‖ `event_hash` (32 bytes)
‖ `seq` (8 bytes big-endian) ‖ `event_id` (UTF-8). The first link of a chain has `seq` 1 and `prev_hash`
`GENESIS` (64 zeros); each next link has `seq` + 1 and the previous link's `link_hash` as its `prev_hash`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

VERSION = "tdi-chain/v1"
GENESIS = "0" * 64
"""The `prev_hash` of a chain's first link."""


def _framed(*fields: bytes) -> bytes:
    return b"".join(len(f).to_bytes(8, "big") + f for f in fields)


def event_hash(source: str, event_id: str, event_type: str, value: bytes | None) -> str:
    """The hash of one event as received: its identifying CloudEvents headers and its value's bytes."""
    framed = _framed(source.encode(), event_id.encode(), event_type.encode(), value or b"")
    return hashlib.sha256(framed).hexdigest()


def link_hash(prev_hash: str, event_hash_: str, seq: int, event_id: str) -> str:
    """The hash of a link: SHA-256(prev_hash ‖ event_hash ‖ seq ‖ event_id)."""
    data = bytes.fromhex(prev_hash) + bytes.fromhex(event_hash_) + seq.to_bytes(8, "big") + event_id.encode()
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Link:
    """One published link of a partner's chain."""

    seq: int
    event_id: str
    event_hash: str
    prev_hash: str
    link_hash: str
    source: str = ""
    accepted_at: str = ""

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> Link:
        return cls(
            int(item["seq"]),
            str(item["event_id"]),
            str(item["event_hash"]),
            str(item["prev_hash"]),
            str(item["link_hash"]),
            str(item.get("source", "")),
            str(item.get("accepted_at", "")),
        )


def next_links(head_seq: int, head_hash: str, events: Iterable[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """The links that follow a chain's head (its last seq and link_hash; 0 and `GENESIS` for an empty chain):
    `events` are (event_id, event_hash) in acceptance order; returns (seq, prev_hash, link_hash) for each."""
    links, seq, prev = [], head_seq, head_hash
    for event_id, hashed in events:
        seq += 1
        hashed_link = link_hash(prev, hashed, seq, event_id)
        links.append((seq, prev, hashed_link))
        prev = hashed_link
    return links


@dataclass(frozen=True, slots=True)
class Break:
    """The first link that does not follow from the one before it, and why (a French sentence)."""

    seq: int
    event_id: str
    reason: str


def first_break(links: Iterable[Link]) -> Break | None:
    """The first link whose seq, prev_hash or link_hash does not follow from the previous link (or from the
    genesis for the first), recomputing every hash; None when the whole chain holds."""
    expected_seq, prev = 1, GENESIS
    for link in links:
        if link.seq != expected_seq:
            return Break(link.seq, link.event_id, f"numéro {link.seq} au lieu de {expected_seq} (lien manquant)")
        if link.prev_hash != prev:
            return Break(link.seq, link.event_id, "l'empreinte du lien précédent ne correspond pas")
        try:
            recomputed = link_hash(link.prev_hash, link.event_hash, link.seq, link.event_id)
        except ValueError:
            return Break(link.seq, link.event_id, "empreinte illisible (64 chiffres hexadécimaux attendus)")
        if link.link_hash != recomputed:
            return Break(link.seq, link.event_id, "l'empreinte du lien ne se recalcule pas (événement ou lien modifié)")
        expected_seq, prev = link.seq + 1, link.link_hash
    return None
