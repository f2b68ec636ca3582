"""Bearer tokens: static tokens for local use, OIDC JWTs verified against the configured keys; roles by region."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Annotated

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from tdi_runtime.http import install_error_handlers
from tdi_runtime.http_access import commands
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.settings import ServiceSettings

ISSUER, AUDIENCE = "https://sso.example.gouv.fr/realms/tdi", "tdi-platform"


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def settings(tmp_path, signing_key):
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}), encoding="utf-8")
    return ServiceSettings.for_service(
        "funding",
        api_tokens={"local-staff": "staff", "prefecture-ge": "regional:44", "viewer": "reader"},
        jwt_jwks_file=str(jwks),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )


def token(key, **claims) -> str:
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "agent-1", "exp": int(time.time()) + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


def client(settings) -> TestClient:
    api = FastAPI()
    api.state.runtime = SimpleNamespace(settings=settings)
    install_error_handlers(api)

    @api.post("/regions/{region}/decisions")
    def decide(region: str, caller: Annotated[Caller, Depends(commands())]) -> dict[str, str]:
        caller.require_region(region)
        return {"decided_by": caller.subject}

    return TestClient(api)


def post(settings, bearer: str, region: str = "44"):
    return client(settings).post(f"/regions/{region}/decisions", headers={"Authorization": f"Bearer {bearer}"})


def test_a_regional_jwt_acts_on_its_own_region_and_is_refused_on_another(settings, signing_key):
    bearer = token(signing_key, tdi_role="regional", tdi_region="44")
    assert post(settings, bearer, "44").json() == {"decided_by": "agent-1"}
    refused = post(settings, bearer, "76")
    assert refused.status_code == 403
    assert refused.json()["code"] == "OUT_OF_REGION"


def test_a_national_jwt_from_an_oidc_roles_claim_acts_everywhere(settings, signing_key):
    assert post(settings, token(signing_key, roles=["offline_access", "national"]), "976").status_code == 200


def test_a_read_only_user_cannot_send_commands(settings, signing_key):
    for bearer in (token(signing_key, tdi_role="reader"), "viewer"):
        answer = post(settings, bearer)
        assert answer.status_code == 403
        assert answer.json()["code"] == "READ_ONLY_ROLE"


def test_an_instructor_is_refused_a_command_route_that_does_not_name_instructors(settings, signing_key):
    bearer = token(signing_key, tdi_role="instructor", tdi_programme="fonds-vert-ti")
    answer = post(settings, bearer)
    assert (answer.status_code, answer.json()["code"]) == (403, "FORBIDDEN")


def test_an_expired_forged_or_foreign_token_is_refused_with_its_own_code(settings, signing_key):
    expired = token(signing_key, tdi_role="national", exp=int(time.time()) - 120)  # past the 30 s leeway
    assert post(settings, expired).json()["code"] == "TOKEN_EXPIRED"
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert post(settings, token(other_key, tdi_role="national")).json()["code"] == "INVALID_TOKEN"
    foreign = jwt.encode(
        {"iss": ISSUER, "aud": "another-app", "sub": "x", "exp": int(time.time()) + 60, "tdi_role": "national"},
        signing_key,
        algorithm="RS256",
        headers={"kid": "k1"},
    )
    answer = post(settings, foreign)
    assert (answer.status_code, answer.json()["code"]) == (401, "INVALID_TOKEN")


def test_the_static_tokens_of_make_run_still_work_with_a_region_scope(settings):
    assert post(settings, "local-staff", "76").status_code == 200
    assert post(settings, "prefecture-ge", "44").status_code == 200
    assert post(settings, "prefecture-ge", "76").json()["code"] == "OUT_OF_REGION"
    assert post(settings, "unknown").json()["code"] == "UNAUTHENTICATED"
