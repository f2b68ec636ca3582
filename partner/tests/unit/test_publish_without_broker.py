"""A partner whose broker cannot be reached gets the connection error, and no producer is left open behind it."""

from __future__ import annotations

import gc
import socket
import warnings

import pytest
from aiokafka.errors import KafkaConnectionError

from tdi_contracts.reference import Partner
from tdi_partner.client import Credentials, publish


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_publish_to_an_unreachable_broker_raises_and_leaves_no_producer_open():
    credentials = Credentials(f"127.0.0.1:{_closed_port()}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(KafkaConnectionError):
            await publish(Partner.BPIFRANCE, credentials, [])
        gc.collect()
    unclosed = [w for w in caught if "Unclosed AIOKafkaProducer" in str(w.message)]
    assert unclosed == []


def test_a_partners_default_consumer_group_is_inside_its_own_delimited_prefix():
    from tdi_contracts.access import acl_rules, partner_principal
    from tdi_contracts.reference import Partner
    from tdi_partner.client import consumer_group

    for partner in Partner:
        group = consumer_group(partner)
        granted = [r.name for r in acl_rules() if r.principal == partner_principal(partner) and r.resource == "group"]
        assert group == f"partner-{partner.value}.feedback" and all(group.startswith(g) for g in granted) and granted
