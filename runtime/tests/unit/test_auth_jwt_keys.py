"""Issue 22 #11: bearer JWTs are checked against an issuer and an audience outside local mode, against keys that
follow the identity provider's rotation (fetched off the event loop), with a small clock-skew leeway.

Real RSA keys (cryptography) and a real HTTP server for the JWKS URL; the key cache's clock is a fake one, so
that "later" needs no sleep.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI
from pydantic import ValidationError

from tdi_runtime.http import install_error_handlers
from tdi_runtime.http_access import reads
from tdi_runtime.jwks import signing_keys
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.settings import ServiceSettings

pytestmark = pytest.mark.timeout(60)
ISSUER, AUDIENCE = "https://sso.example.gouv.fr/realms/tdi", "tdi-platform"


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    return {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("k1", "k2")}


def jwks(keys: dict[str, Any], *kids: str) -> dict[str, Any]:
    public = [json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys[k].public_key())) for k in kids]
    return {"keys": [{**p, "kid": k, "use": "sig", "alg": "RS256"} for p, k in zip(public, kids, strict=True)]}


def token(keys: dict[str, Any], kid: str, **claims: Any) -> str:
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "agent-1", "exp": int(time.time()) + 300, "tdi_role": "national"}
    return jwt.encode({**body, **claims}, keys[kid], algorithm="RS256", headers={"kid": kid})


def app_of(settings: ServiceSettings) -> FastAPI:
    api = FastAPI()
    api.state.runtime = SimpleNamespace(settings=settings)
    install_error_handlers(api)

    @api.get("/reads")
    async def read(access: Annotated[Caller, Depends(reads())]) -> dict[str, str]:
        return {"subject": access.subject}

    return api


async def call(settings: ServiceSettings, bearer: str) -> tuple[int, str]:
    transport = httpx.ASGITransport(app=app_of(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/reads", headers={"Authorization": f"Bearer {bearer}"})
    return answer.status_code, answer.json().get("code", "")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- issuer and audience are required outside local mode -----------------------------------------------------------


def test_a_production_service_with_jwt_keys_but_no_issuer_or_audience_refuses_to_start(tmp_path):
    (tmp_path / "jwks.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        ServiceSettings.for_service("funding", deployment="production", jwt_jwks_file=str(tmp_path / "jwks.json"))
    message = str(caught.value)
    assert "TDI_FUNDING_JWT_ISSUER" in message and "TDI_FUNDING_JWT_AUDIENCE" in message
    assert "TDI_DEPLOYMENT=local" in message
    with pytest.raises(ValidationError):
        ServiceSettings.for_service("funding", jwt_jwks_url="https://sso.example/jwks", jwt_issuer=ISSUER)


def test_local_mode_and_complete_production_settings_start():
    local = ServiceSettings.for_service("funding", deployment="local", jwt_jwks_url="https://sso.example/jwks")
    complete = ServiceSettings.for_service(
        "funding", jwt_jwks_url="https://sso.example/jwks", jwt_issuer=ISSUER, jwt_audience=AUDIENCE
    )
    static_only = ServiceSettings.for_service("funding", api_tokens={"t": "staff"})
    assert (local.deployment, complete.deployment, static_only.deployment) == ("local", "production", "production")


# --- clock-skew leeway ---------------------------------------------------------------------------------------------


@pytest.fixture
def file_settings(tmp_path, keys) -> ServiceSettings:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(keys, "k1")), encoding="utf-8")
    return ServiceSettings.for_service(
        "probe", jwt_jwks_file=str(path), jwt_issuer=ISSUER, jwt_audience=AUDIENCE, jwt_leeway_s=30
    )


async def test_a_token_a_few_seconds_out_of_its_validity_is_accepted_within_the_leeway(file_settings, keys):
    now = int(time.time())
    assert await call(file_settings, token(keys, "k1", exp=now - 10)) == (200, "")
    assert await call(file_settings, token(keys, "k1", nbf=now + 10, iat=now + 10)) == (200, "")


async def test_a_token_out_of_its_validity_by_more_than_the_leeway_is_refused(file_settings, keys):
    now = int(time.time())
    assert await call(file_settings, token(keys, "k1", exp=now - 120)) == (401, "TOKEN_EXPIRED")
    assert await call(file_settings, token(keys, "k1", nbf=now + 120)) == (401, "INVALID_TOKEN")
    assert await call(file_settings, token(keys, "k1", iat=now + 120)) == (401, "INVALID_TOKEN")


# --- a JWKS file is re-read when it changes --------------------------------------------------------------------------


async def test_a_key_removed_from_the_jwks_file_stops_being_valid_and_a_new_one_is_taken_at_once(file_settings, keys):
    assert await call(file_settings, token(keys, "k1")) == (200, "")
    staging = Path(f"{file_settings.jwt_jwks_file}.new")
    staging.write_text(json.dumps(jwks(keys, "k2")), encoding="utf-8")  # noqa: ASYNC240 (a test's own file)
    os.replace(staging, str(file_settings.jwt_jwks_file))  # how a mounted secret is swapped
    assert await call(file_settings, token(keys, "k1")) == (401, "INVALID_TOKEN")
    assert await call(file_settings, token(keys, "k2")) == (200, "")


# --- a JWKS URL: rotation, unknown kid, off the event loop ----------------------------------------------------------


class Provider:
    """A real HTTP server serving a JWKS document; `hold` makes it wait before answering."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document, self.fetches, self.hold = document, 0, threading.Event()
        self.hold.set()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                provider.hold.wait(30)
                body = json.dumps(provider.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"

    def close(self) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(keys) -> Iterator[Provider]:
    served = Provider(jwks(keys, "k1"))
    try:
        yield served
    finally:
        served.close()


def url_settings(provider: Provider, **overrides: Any) -> ServiceSettings:
    return ServiceSettings.for_service(
        "probe",
        api_tokens={"local-staff": "staff"},
        jwt_jwks_url=provider.url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_jwks_max_age_s=300,
        jwt_jwks_refetch_interval_s=30,
        **overrides,
    )


async def test_a_key_removed_by_the_identity_provider_stops_being_valid_after_the_cache_age(provider, keys):
    settings = url_settings(provider)
    clock = signing_keys(settings).clock = FakeClock()
    provider.document = jwks(keys, "k1", "k2")
    assert await call(settings, token(keys, "k1")) == (200, "")
    provider.document = jwks(keys, "k2")  # k1 revoked
    clock.now += 299
    assert await call(settings, token(keys, "k1")) == (200, ""), "still cached: the bound is the cache age"
    clock.now += 2
    assert await call(settings, token(keys, "k1")) == (401, "INVALID_TOKEN")
    assert await call(settings, token(keys, "k2")) == (200, "")
    assert provider.fetches == 2


async def test_an_unknown_kid_triggers_one_refetch_and_no_more_until_the_interval_passed(provider, keys):
    settings = url_settings(provider)
    clock = signing_keys(settings).clock = FakeClock()
    assert await call(settings, token(keys, "k1")) == (200, "")
    assert provider.fetches == 1
    clock.now += 60
    for _ in range(5):  # a flood of tokens of an unknown key asks the provider once
        assert await call(settings, token(keys, "k2")) == (401, "INVALID_TOKEN")
    assert provider.fetches == 2
    provider.document = jwks(keys, "k1", "k2")  # the provider published its new key
    assert await call(settings, token(keys, "k2")) == (401, "INVALID_TOKEN")
    assert provider.fetches == 2
    clock.now += 31
    assert await call(settings, token(keys, "k2")) == (200, "")
    assert provider.fetches == 3


async def test_the_keys_are_fetched_off_the_event_loop_which_keeps_answering_meanwhile(provider, keys):
    settings = url_settings(provider)
    app = app_of(settings)
    provider.hold.clear()  # the provider is slow: it answers only once released
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        waiting = asyncio.create_task(client.get("/reads", headers={"Authorization": f"Bearer {token(keys, 'k1')}"}))
        while provider.fetches == 0:  # noqa: ASYNC110 (the provider runs in another thread)
            await asyncio.sleep(0.01)
        other = await client.get("/reads", headers={"Authorization": "Bearer local-staff"})
        assert other.status_code == 200, "answered while the keys were being fetched"
        assert not waiting.done()
        provider.hold.set()
        assert (await waiting).status_code == 200
