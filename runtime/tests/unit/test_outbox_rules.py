"""Outbox rules that need no database: shards keep one aggregate together; writes need a transaction."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdi_runtime.outbox import Outbox, OutgoingMessage, shard_of


@given(st.binary(min_size=1, max_size=40), st.integers(min_value=1, max_value=64))
def test_one_aggregate_always_lands_in_the_same_shard_within_range(key, shards):
    assert shard_of(key, shards) == shard_of(bytes(key), shards)
    assert 0 <= shard_of(key, shards) < shards


class _NoTransaction:
    def is_in_transaction(self):
        return False


async def test_an_outbox_write_outside_a_transaction_is_refused():
    message = OutgoingMessage("tdi.test.v1", b"ti-1", b"{}", (), "e1")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        await Outbox().add(_NoTransaction(), [message])
