"""A partner's HTTP identity on a route it shares with staff (`doors.http_partner.identity.staff_or_partner`):
a partner's static token or a JWT naming it gives the partner; a staff token keeps its role and the route's roles
apply to both. Real RSA keys and a JWKS file, the guard on a small FastAPI app."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI

from tdi_contracts.reference import Partner
from tdi_runtime.doors.http_partner import PartnerDoorSettings
from tdi_runtime.doors.http_partner.identity import staff_or_partner
from tdi_runtime.http import install_error_handlers
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.settings import ServiceSettings

pytestmark = pytest.mark.timeout(60)
ISSUER, AUDIENCE = "https://sso.example.gouv.fr/realms/tdi", "tdi-platform"
PARTNER_TOKEN = "ademe-static-token"
ROLES = ("national", "regional", "partner")


@pytest.fixture(scope="module")
def key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def client(key: Any, tmp_path: Path) -> httpx.AsyncClient:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**public, "kid": "k1", "alg": "RS256"}]}))
    settings = ServiceSettings.for_service(
        "reporting", jwt_jwks_file=str(tmp_path / "jwks.json"), jwt_issuer=ISSUER, jwt_audience=AUDIENCE,
        api_tokens={"staff-token": "staff", "reader-token": "reader", "instructor-token": "instructor:vte"},
    )  # fmt: skip
    door = PartnerDoorSettings(tokens={hashlib.sha256(PARTNER_TOKEN.encode()).hexdigest(): Partner("ademe")})
    api = FastAPI()
    api.state.runtime = SimpleNamespace(settings=settings)
    install_error_handlers(api)
    write = staff_or_partner(roles=ROLES, door=door, scope="own", write=True)
    read = staff_or_partner(roles=ROLES, door=door, scope="own", write=False)

    @api.post("/things")
    async def command(caller: Caller = Depends(write)) -> dict[str, Any]:
        return {"role": caller.role, "partner": caller.partner.value if caller.partner else None}

    @api.get("/things")
    async def listing(caller: Caller = Depends(read)) -> dict[str, Any]:
        return {"role": caller.role}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signed(key: Any, **claims: Any) -> str:
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "client-1", "exp": int(time.time()) + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


async def test_a_partners_static_token_or_jwt_is_the_partner_and_a_staff_token_keeps_its_role(client, key):
    async with client:
        static = await client.post("/things", headers=bearer(PARTNER_TOKEN))
        by_jwt = await client.post("/things", headers=bearer(signed(key, tdi_partner="bpifrance")))
        staff = await client.post("/things", headers=bearer("staff-token"))
        regional = await client.get("/things", headers=bearer(signed(key, tdi_role="regional", tdi_region="44")))
    assert static.json() == {"role": "partner", "partner": "ademe"}
    assert by_jwt.json() == {"role": "partner", "partner": "bpifrance"}
    assert staff.json() == {"role": "national", "partner": None}
    assert regional.json() == {"role": "regional"}


async def test_other_roles_unknown_partners_and_missing_tokens_are_refused_with_a_code(client, key):
    async with client:
        cases = {
            "reader command": (await client.post("/things", headers=bearer("reader-token")), 403, "READ_ONLY_ROLE"),
            "reader read": (await client.get("/things", headers=bearer("reader-token")), 403, "FORBIDDEN"),
            "instructor": (await client.get("/things", headers=bearer("instructor-token")), 403, "FORBIDDEN"),
            "unknown partner": (
                await client.get("/things", headers=bearer(signed(key, tdi_partner="acme"))),
                403,
                "NOT_A_PARTNER",
            ),
            "no token": (await client.get("/things"), 401, "UNAUTHENTICATED"),
            "unknown token": (await client.get("/things", headers=bearer("nobody")), 401, "UNAUTHENTICATED"),
            "in the address": (await client.get("/things?access_token=x"), 400, "ACCESS_TOKEN_IN_URL"),
        }
    for case, (answer, status, code) in cases.items():
        assert (answer.status_code, answer.json()["code"]) == (status, code), case
        assert answer.json()["message"], case
