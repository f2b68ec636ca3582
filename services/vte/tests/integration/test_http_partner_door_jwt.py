"""On the real stack, the partners' HTTP door with an OIDC client-credentials JWT (issue 25): a token a test identity
provider (a JWKS file) signs for Bpifrance, its claim `tdi_partner` naming it, posts a VTE command: one effect, an
accepted receipt. A token without the claim, naming an unknown partner, expired, for another audience or signed by
another key is refused with a stable code and a French sentence, and has no effect; Bpifrance's token posting an
event of another partner's `source` is SOURCE_MISMATCH."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from test_bpifrance_to_aid import signed
from test_http_partner_door import STRUCTURED, as_kafka_and_http

from tdi_runtime.testing import until
from tdi_vte.domain import contract_id_of

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

ISSUER, AUDIENCE = "https://sso.test.bpifrance.fr/realms/partenaires", "tdi-platform"


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A test identity provider: its JWKS file, the service settings that trust it, and a signer."""
    key, other = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path_factory.mktemp("idp") / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}), encoding="utf-8")

    def sign(*, signer: Any = key, exp: int = 600, aud: str = AUDIENCE, **claims: Any) -> dict[str, str]:
        body = {"iss": ISSUER, "aud": aud, "sub": "service-account-bpifrance-erp", **claims}
        body["exp"] = int(time.time()) + exp
        token = jwt.encode(body, signer, algorithm="RS256", headers={"kid": "k1"})
        return {"Authorization": f"Bearer {token}", "Content-Type": STRUCTURED}

    settings = {"jwt_jwks_file": str(jwks), "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE}
    return {"settings": settings, "sign": sign, "other_key": other}


async def receipt_of(client: httpx.AsyncClient, receipt_id: str, headers: dict[str, str]) -> dict[str, Any]:
    """The receipt once it is no longer pending."""

    async def decided() -> dict[str, Any] | None:
        response = await client.get(f"/partner-events/receipts/{receipt_id}", headers=headers)
        assert response.status_code == 200, response.text
        return None if response.json()["status"] == "pending" else dict(response.json())

    found: dict[str, Any] = await until(decided, "the receipt's decision", every_s=0.5)
    return found


async def test_a_jwt_signed_for_bpifrance_posts_an_event_with_one_effect_and_an_accepted_receipt(vte_service, identity):
    run = uuid.uuid4().hex[:8]
    async with vte_service(**identity["settings"]) as (app, client, territory_id, _group, commune):
        reference, event_id = f"BPI-VTE-{run}-JWT", f"BPI-EVT-{run}-JWT"
        _, structured = as_kafka_and_http(signed(reference, territory_id, commune), event_id)
        bpifrance = identity["sign"](tdi_partner="bpifrance")

        response = await client.post("/partner-events", content=json.dumps(structured), headers=bpifrance)
        assert response.status_code == 202, response.text
        [receipt] = response.json()["receipts"]
        final = await receipt_of(client, receipt["receipt_id"], bpifrance)
        assert final["status"] == "accepted"
        assert [r["id"] for r in final["resulting_ids"]] == [str(contract_id_of(reference))]
        contracts = await app.state.runtime.pool.fetchval(
            "SELECT count(*) FROM vte_contracts WHERE contract_reference = $1", reference
        )
        assert contracts == 1


async def test_a_jwt_that_does_not_name_a_known_partner_or_is_not_valid_is_refused_with_no_effect(
    vte_service, identity
):
    run = uuid.uuid4().hex[:8]
    sign = identity["sign"]
    refusals = {
        "no claim": (sign(), 403, "NOT_A_PARTNER"),
        "a staff token": (sign(tdi_role="national"), 403, "NOT_A_PARTNER"),
        "an unknown partner": (sign(tdi_partner="acme-industries"), 403, "NOT_A_PARTNER"),
        "expired": (sign(tdi_partner="bpifrance", exp=-120), 401, "TOKEN_EXPIRED"),
        "another audience": (sign(tdi_partner="bpifrance", aud="another-application"), 401, "INVALID_TOKEN"),
        "another key": (sign(tdi_partner="bpifrance", signer=identity["other_key"]), 401, "INVALID_TOKEN"),
    }
    async with vte_service(**identity["settings"]) as (app, client, territory_id, _group, commune):
        pool = app.state.runtime.pool
        for n, (case, (headers, status, code)) in enumerate(refusals.items()):
            event_id = f"BPI-EVT-{run}-R{n}"
            _, structured = as_kafka_and_http(signed(f"BPI-VTE-{run}-R{n}", territory_id, commune), event_id)
            response = await client.post("/partner-events", content=json.dumps(structured), headers=headers)
            assert (response.status_code, response.json()["code"]) == (status, code), (case, response.text)
            assert response.json()["message"], "a French sentence says why"
            receipts = await pool.fetchval("SELECT count(*) FROM partner_receipts WHERE event_id = $1", event_id)
            assert receipts == 0, f"{case}: nothing was taken in"

        # Bpifrance's own token, another partner's source: refused at the door, nothing taken in
        event_id = f"BPI-EVT-{run}-ademe"
        _, structured = as_kafka_and_http(signed(f"BPI-VTE-{run}-A", territory_id, commune), event_id)
        structured["source"] = "/partners/ademe/erp"
        headers = sign(tdi_partner="bpifrance")
        response = await client.post("/partner-events", content=json.dumps(structured), headers=headers)
        assert (response.status_code, response.json()["code"]) == (422, "SOURCE_MISMATCH"), response.text
        assert await pool.fetchval("SELECT count(*) FROM partner_receipts WHERE event_id = $1", event_id) == 0
