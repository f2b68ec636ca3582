"""On the real broker: the stack creates every topic with its class's retention by bytes and by time (issue 22 #8),
and a topic made before the bounds existed (a kept `.tdi/data`, a broker named by the environment) gets them."""

from __future__ import annotations

import uuid

import pytest

from tdi_contracts.topics import DLQ_TOPICS, DOMAIN_TOPICS, PARTNER_FEEDBACK_TOPICS, PARTNER_INGRESS_TOPICS
from tdi_localstack.provisioning import create_topics, topic_configs

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
KEYS = ("cleanup.policy", "retention.ms", "retention.bytes", "segment.bytes", "max.message.bytes")


async def test_the_stacks_topics_hold_the_retention_of_their_class_by_bytes_and_time(platform_stack):
    specs = [DOMAIN_TOPICS[0], DOMAIN_TOPICS[1], PARTNER_INGRESS_TOPICS[0], PARTNER_FEEDBACK_TOPICS[0], DLQ_TOPICS[0]]

    on_broker = await topic_configs(platform_stack.bootstrap_servers, [s.name for s in specs])

    for spec in specs:
        assert {k: on_broker[spec.name][k] for k in KEYS} == spec.config(), spec.name
    assert int(on_broker[PARTNER_INGRESS_TOPICS[0].name]["retention.bytes"]) > 0


async def test_a_topic_made_before_the_bounds_gets_them_when_the_stack_provisions_again(platform_stack):
    name = f"test.retention-{uuid.uuid4().hex[:8]}"
    await create_topics(platform_stack.bootstrap_servers, [(name, 1, {"retention.ms": str(30 * 86_400_000)})])
    assert (await topic_configs(platform_stack.bootstrap_servers, [name]))[name]["retention.bytes"] == "-1"
    wanted = PARTNER_INGRESS_TOPICS[0].config()

    created = await create_topics(platform_stack.bootstrap_servers, [(name, 1, wanted)])

    assert created == []
    on_broker = (await topic_configs(platform_stack.bootstrap_servers, [name]))[name]
    assert {k: on_broker[k] for k in KEYS} == wanted
