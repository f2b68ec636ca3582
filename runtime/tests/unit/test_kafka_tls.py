"""The kit's Kafka clients speak TLS when told (issue 22 #13): `KAFKA_SECURITY_PROTOCOL=SASL_SSL` or `SSL` with
the CA of `KAFKA_SSL_CAFILE` reach aiokafka and FastStream alike, certificates and host names verified."""

from __future__ import annotations

import ssl

import pytest
from faststream.kafka.security import parse_security

from tdi_localstack.tls import local_tls
from tdi_runtime.kafka import faststream_security, security_options


@pytest.fixture
def ca_file(tmp_path) -> str:
    return str(local_tls(tmp_path).ca_file)


def _trusts_only(context: ssl.SSLContext, ca_file: str) -> None:
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    ours = ssl.create_default_context(cafile=ca_file).get_ca_certs()
    assert context.get_ca_certs() == ours


def test_sasl_ssl_reaches_faststream_with_tls_and_the_given_ca(monkeypatch, ca_file):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SSL_CAFILE", ca_file)

    options = security_options("svc-vte", "secret")
    parsed = parse_security(faststream_security(options))

    assert options["security_protocol"] == parsed["security_protocol"] == "SASL_SSL"
    assert (parsed["sasl_mechanism"], parsed["sasl_plain_username"]) == ("SCRAM-SHA-512", "svc-vte")
    _trusts_only(options["ssl_context"], ca_file)
    assert parsed["ssl_context"] is options["ssl_context"]


def test_ssl_without_sasl_reaches_faststream_too(monkeypatch, ca_file):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("KAFKA_SSL_CAFILE", ca_file)

    options = security_options()
    parsed = parse_security(faststream_security(options))

    assert options["security_protocol"] == parsed["security_protocol"] == "SSL"
    _trusts_only(parsed["ssl_context"], ca_file)


def test_plaintext_listeners_keep_their_options(monkeypatch):
    monkeypatch.delenv("KAFKA_SECURITY_PROTOCOL", raising=False)
    assert security_options() == {} and faststream_security({}) is None
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    assert "ssl_context" not in security_options("u", "p")
    assert parse_security(faststream_security(security_options("u", "p")))["security_protocol"] == "SASL_PLAINTEXT"
