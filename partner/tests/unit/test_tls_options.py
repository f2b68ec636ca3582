"""The partner's client speaks TLS to the partners' listener (issue 22 #13): a CA file (`--ca-file`) or a TLS
protocol gives a verifying TLS context, with SCRAM when a user is given."""

from __future__ import annotations

import ssl

from typer.testing import CliRunner

from tdi_localstack.tls import local_tls
from tdi_partner import cli
from tdi_partner.client import Credentials


def test_a_ca_file_and_a_user_make_scram_over_tls_verified_against_that_ca(tmp_path):
    ca_file = str(local_tls(tmp_path).ca_file)

    options = Credentials("broker:9094", "partner-ademe", "secret", ca_file=ca_file).kafka_options()

    assert (options["security_protocol"], options["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    context = options["ssl_context"]
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.get_ca_certs() == ssl.create_default_context(cafile=ca_file).get_ca_certs()


def test_tls_without_a_user_and_the_systems_authorities_without_a_ca_file():
    options = Credentials("broker:9094", security_protocol="SSL").kafka_options()
    assert options["security_protocol"] == "SSL" and options["ssl_context"].verify_mode is ssl.CERT_REQUIRED
    assert "ssl_context" not in Credentials("broker:9092", "u", "p").kafka_options()
    assert Credentials("broker:9092", "u", "p").kafka_options()["security_protocol"] == "SASL_PLAINTEXT"


def test_the_command_line_offers_the_ca_file_and_the_protocol():
    for command in ("publish", "follow"):
        helped = CliRunner().invoke(cli.app, [command, "--help"], env={"COLUMNS": "200"})
        assert "--ca-file" in helped.output and "--security-protocol" in helped.output, helped.output
