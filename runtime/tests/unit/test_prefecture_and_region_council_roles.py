"""The Fonds vert's roles in the kit's role tables (issue 24, A1): the regional prefecture (`regional`, alias
`prefecture`) and the Conseil régional (`region-council`), each bound to one region (P:547 « géré de manière
déconcentrée par les Préfectures de région … en concertation avec les Conseils régionaux »)."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tdi_runtime.auth import authenticate
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import READ_ROLES, Caller

ISSUER, AUDIENCE = "https://sso.example.gouv.fr/realms/tdi", "tdi-platform"


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def settings(tmp_path, key):
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}), encoding="utf-8")
    tokens = {"pref-ge": "prefecture:44", "cr-ge": "region-council:44"}
    return SimpleNamespace(api_tokens=tokens, jwt_jwks_file=str(jwks), jwt_jwks_url=None, jwt_issuer=ISSUER,
                           jwt_audience=AUDIENCE, jwt_algorithms=["RS256"], jwt_leeway_s=0.0,
                           jwt_jwks_max_age_s=300.0, jwt_jwks_refetch_interval_s=30.0)  # fmt: skip


def signed(key, **claims) -> str:
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "agent-1", "exp": int(time.time()) + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


async def test_a_prefecture_token_is_the_regional_role_of_its_region__P547_M275(settings, key):
    static = await authenticate("pref-ge", settings)
    claimed = await authenticate(signed(key, tdi_role="prefecture", tdi_region="44"), settings)
    assert (static.role, static.region) == (claimed.role, claimed.region) == ("regional", "44")


async def test_a_region_council_reads_and_acts_within_its_own_region_only__P547(settings, key):
    for access in (
        await authenticate("cr-ge", settings),
        await authenticate(signed(key, tdi_role="region-council", tdi_region="44"), settings),
    ):
        assert (access.role, access.region) == ("region-council", "44")
        assert access.sees(["44", "76"]) and not access.sees(["76"])
        assert access.region_filter(None) == "44"
        with pytest.raises(DomainError) as refused:
            access.require_region("76")
        assert refused.value.code == "OUT_OF_REGION"
    assert "region-council" in READ_ROLES


async def test_a_region_council_token_without_its_region_is_refused(settings, key):
    with pytest.raises(DomainError) as refused:
        await authenticate(signed(key, tdi_role="region-council"), settings)
    assert refused.value.code == "FORBIDDEN"


def test_a_region_council_sends_no_command_the_routes_do_not_name_for_it():
    council = Caller("cr", "region-council", region="44")
    with pytest.raises(DomainError) as refused:
        council.require_write()
    assert refused.value.code == "FORBIDDEN"
    council.require_write(("instructor", "region-council"))
