"""The generic webhook engine of the kit (issue 25): where a webhook may go, how long a retry waits, and that its
signature verifies with an independent verifier (`standardwebhooks.Webhook(secret).verify`)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tdi_contracts.errors import ErrorCode, http_status_of
from tdi_runtime.doors.webhooks import Backoff, TargetRefusedError, check_target, new_secret, signed_headers


def resolving_to(*addresses: str):
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "bouclage"),
        ("::1", "bouclage"),
        ("10.1.2.3", "réseau privé"),
        ("192.168.0.10", "réseau privé"),
        ("172.16.5.4", "réseau privé"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "non spécifiée"),
        ("::ffff:10.0.0.1", "réseau privé"),
        ("100.64.0.1", "réservée"),
    ],
)
async def test_a_name_resolving_to_a_non_public_address_is_refused_with_a_code_and_a_french_reason(address, why):
    with pytest.raises(TargetRefusedError) as refused:
        await check_target("https://hooks.example.org/in", resolve=resolving_to(address))
    assert refused.value.code == ErrorCode.WEBHOOK_TARGET_REFUSED
    assert http_status_of(ErrorCode.WEBHOOK_TARGET_REFUSED) == 422
    assert why in refused.value.reason and address in refused.value.reason


async def test_every_resolved_address_is_checked_not_only_the_first():
    with pytest.raises(TargetRefusedError, match="réseau privé"):
        await check_target("https://hooks.example.org/in", resolve=resolving_to("93.184.216.34", "10.0.0.7"))


async def test_a_literal_loopback_address_is_refused():
    with pytest.raises(TargetRefusedError, match="bouclage"):
        await check_target("https://127.0.0.1:8443/in")
    with pytest.raises(TargetRefusedError, match="bouclage"):
        await check_target("https://[::1]/in")


async def test_a_public_address_is_accepted_and_kept_for_the_connection():
    target = await check_target("https://hooks.example.org/in", resolve=resolving_to("93.184.216.34"))
    assert target.addresses == ("93.184.216.34",) and target.port == 443 and not target.allowed


async def test_plain_http_and_other_schemes_are_refused_for_a_public_host():
    for url in ("http://hooks.example.org/in", "ftp://hooks.example.org/", "hooks.example.org", ""):
        with pytest.raises(TargetRefusedError):
            await check_target(url, resolve=resolving_to("93.184.216.34"))


async def test_an_unknown_host_is_refused_as_not_found_in_dns():
    with pytest.raises(TargetRefusedError, match="introuvable"):
        await check_target("https://nowhere.invalid/in", resolve=resolving_to())


async def test_a_host_named_in_the_allowed_hosts_setting_may_be_loopback_and_plain_http():
    target = await check_target("http://127.0.0.1:9999/in", allowed_hosts=["127.0.0.1"])
    assert target.allowed and target.host == "127.0.0.1" and target.port == 9999
    with pytest.raises(TargetRefusedError):
        await check_target("http://127.0.0.2:9999/in", allowed_hosts=["127.0.0.1"])


def test_backoff_grows_exponentially_up_to_its_cap_and_jitters_within_half_to_full():
    backoff = Backoff(base_s=5, factor=2, cap_s=60)
    assert [backoff.ceiling(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    rng = random.Random(7)
    for failures in range(1, 12):
        delays = [backoff.delay(failures, rng) for _ in range(200)]
        ceiling = backoff.ceiling(failures)
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered, not a fixed schedule
    assert backoff.ceiling(10_000) == 60


def test_a_signed_body_verifies_with_the_standard_webhooks_verifier_and_a_tampered_one_does_not():
    secret = new_secret()
    assert secret.startswith("whsec_")
    body = json.dumps({"events": [{"id": "e1"}]}).encode()
    headers = signed_headers(secret, "msg_1", body)
    assert Webhook(secret).verify(body, headers) == {"events": [{"id": "e1"}]}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_a_retry_is_signed_with_its_own_fresh_timestamp():
    secret = new_secret()
    body = b"{}"
    first = signed_headers(secret, "msg_1", body, datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(WebhookVerificationError):  # an old signature is refused by verifiers (±5 min)
        Webhook(secret).verify(body, first)
    again = signed_headers(secret, "msg_1", body)
    assert again["webhook-id"] == first["webhook-id"]
    Webhook(secret).verify(body, again)
