"""The partner chain's hash rules (issue 26): what a partner recomputes, and any alteration found at its link."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from tdi_contracts.chain import GENESIS, Link, event_hash, first_break, link_hash, next_links

ids = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20)
events = st.lists(st.tuples(ids, st.binary(max_size=64)), min_size=1, max_size=12, unique_by=lambda e: e[0])


def chain_of(items: list[tuple[str, bytes]]) -> list[Link]:
    hashed = [(i, event_hash("/partners/bpifrance", i, "fr.t.Cmd.v1", v)) for i, v in items]
    return [
        Link(seq, i, h, prev, link)
        for (i, h), (seq, prev, link) in zip(hashed, next_links(0, GENESIS, hashed), strict=True)
    ]


def test_the_event_hash_is_sha256_of_the_length_framed_headers_and_value_as_documented():
    framed = b"".join(len(f).to_bytes(8, "big") + f for f in (b"/partners/ademe", b"42", b"fr.t.Cmd.v1", b'{"a":1}'))
    assert event_hash("/partners/ademe", "42", "fr.t.Cmd.v1", b'{"a":1}') == hashlib.sha256(framed).hexdigest()


def test_the_link_hash_is_sha256_of_prev_event_seq_and_id():
    e = event_hash("/partners/ademe", "42", "fr.t.Cmd.v1", b"{}")
    data = bytes(32) + bytes.fromhex(e) + (1).to_bytes(8, "big") + b"42"
    assert link_hash(GENESIS, e, 1, "42") == hashlib.sha256(data).hexdigest()


def test_fields_cannot_slide_into_each_other():
    assert event_hash("/p/a", "1", "T", b"x") != event_hash("/p/a1", "", "T", b"x")
    assert event_hash("/p/a", "1", "T", b"") != event_hash("/p/a", "1", "", b"T")


@given(events)
def test_a_chain_built_by_the_rules_holds(items):
    assert first_break(chain_of(items)) is None


@given(events, st.data())
def test_any_altered_event_hash_breaks_the_chain_at_its_link(items, data):
    links = chain_of(items)
    at = data.draw(st.integers(0, len(links) - 1))
    other = data.draw(st.binary(max_size=64).filter(lambda v: v != items[at][1]))
    forged = event_hash("/partners/bpifrance", links[at].event_id, "fr.t.Cmd.v1", other)
    links[at] = Link(links[at].seq, links[at].event_id, forged, links[at].prev_hash, links[at].link_hash)
    found = first_break(links)
    assert found is not None and found.seq == at + 1


@given(events, st.data())
def test_a_link_rehashed_after_an_alteration_breaks_the_next_link(items, data):
    links = chain_of(items)
    if len(links) < 2:
        return
    at = data.draw(st.integers(0, len(links) - 2))
    old = links[at]
    forged = event_hash("/partners/bpifrance", old.event_id, "fr.t.Cmd.v1", b"forged")
    links[at] = Link(
        old.seq, old.event_id, forged, old.prev_hash, link_hash(old.prev_hash, forged, old.seq, old.event_id)
    )
    found = first_break(links)
    assert found is not None and found.seq == at + 2


@given(events, st.data())
def test_a_removed_or_swapped_link_is_found_where_it_was(items, data):
    links = chain_of(items)
    if len(links) < 2:
        return
    at = data.draw(st.integers(0, len(links) - 2))
    dropped = links[:at] + links[at + 1 :]
    assert (found := first_break(dropped)) is not None and found.seq == at + 2
    swapped = [*links[:at], links[at + 1], links[at], *links[at + 2 :]]
    assert (found := first_break(swapped)) is not None and found.seq == at + 2
