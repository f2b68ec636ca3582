"""TLS end to end with a local CA (issue 22 #13): the security tests' broker has a SASL_SSL listener (TDI_KAFKA_TLS=1),
its certificate signed by a CA made at start. Bpifrance publishes a VTE contract over it with `tdi-partner --ca-file`
and reads its answer; the vte service itself talks to the broker over TLS (the kit's aiokafka and FastStream)."""

from __future__ import annotations

import asyncio
import functools
import json
import socket
import ssl
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tdi_contracts.topics import consumer_group
from tdi_partner import cli
from tdi_runtime.testing import unique_name
from tdi_vte.app import create_app as create_vte
from tdi_vte.rules import VteRules

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

EXAMPLE = Path(__file__).resolve().parents[2] / "partner" / "examples" / "contrat-vte.jsonl"


def handshake(address: str, ca_file: str | None) -> dict[str, object]:
    """A TLS handshake with the listener, verifying its certificate against `ca_file` (None: the system's CAs)."""
    host, port = address.rsplit(":", 1)
    context = ssl.create_default_context(cafile=ca_file)
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return dict(tls.getpeercert() or {})  # fmt: skip


async def test_a_partner_publishes_over_tls_with_the_local_ca_and_reads_its_answer(
    partner_platform, run_service, tmp_path, monkeypatch
):
    kafka = partner_platform._kafka
    assert kafka is not None and kafka.tls, "the security tests' broker listens with TLS too"
    address, ca_file = kafka.tls_bootstrap_servers, str(kafka.ca_file)

    peer = handshake(address, ca_file)
    assert ("IP Address", "127.0.0.1") in peer["subjectAltName"]  # type: ignore[operator]
    with pytest.raises(ssl.SSLCertVerificationError):  # a certificate only our CA vouches for: TLS for real
        handshake(address, None)

    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", address)  # the service too: SCRAM over TLS, its own user
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SSL_CAFILE", ca_file)
    reference = f"BPI-VTE-TLS-{uuid.uuid4().hex[:8]}"
    line = json.loads(EXAMPLE.read_text(encoding="utf-8").splitlines()[0])
    line["payload"] |= {"contract_reference": reference}
    contract = tmp_path / "contrat-tls.jsonl"
    contract.write_text(json.dumps(line) + "\n", encoding="utf-8")
    env = {  # what partner/README.md tells a partner to set for the TLS listener
        "TDI_PARTNER_BOOTSTRAP_SERVERS": address,
        "TDI_PARTNER_USERNAME": "partner-bpifrance",
        "TDI_PARTNER_PASSWORD": kafka.credentials["partner-bpifrance"],
        "TDI_PARTNER_CA_FILE": ca_file,
    }
    sent, runner = str(tmp_path / "envoyes.jsonl"), CliRunner()

    async def tdi_partner(*args: str):  # the CLI runs its own event loop: in a thread, beside the service
        return await asyncio.to_thread(runner.invoke, cli.app, list(args), env=env)

    async with run_service(
        functools.partial(create_vte, rules=VteRules(pseudonym_key="tls-key"), consumer_group=consumer_group("vte")),  # type: ignore[arg-type]
        "vte", database_url=partner_platform.database_url, db_schema=unique_name("tls_v"),
        kafka_bootstrap_servers=address,
    ) as (vte, _):  # fmt: skip
        commune = line["payload"]["establishment"]["commune_insee"]
        await vte.state.runtime.pool.execute(
            "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
            " epci_sirens, active_binomes, chefs_de_projet, revision, as_of) VALUES ($1, 'ti-8413', 'Grand Reims',"
            " true, '{44}', '{51}', '{200067213}', 1, '{}', 1, $2)",
            line["payload"]["territory_id"],
            datetime.now(UTC),
        )
        await vte.state.runtime.pool.execute(
            "INSERT INTO known_communes (insee, territory_id, epci_siren, departement, assigned_on)"
            " VALUES ($1, $2, '200067213', '51', current_date)",
            commune,
            line["payload"]["territory_id"],
        )
        published = await tdi_partner("publish", str(contract), "--partner", "bpifrance", "--sent-log", sent)
        assert published.exit_code == 0, published.output
        followed = await tdi_partner("follow", "--partner", "bpifrance", "--sent-log", sent, "--timeout", "240")
        recorded = await vte.state.runtime.pool.fetch(
            "SELECT decision FROM vte_contracts WHERE contract_reference = $1", reference
        )
    print(f"\n[tls] {address}, certificate of {peer['subject']} by {peer['issuer']}\n{followed.output}")
    assert followed.exit_code == 0 and "Acceptées : 1   Refusées : 0   Sans réponse : 0" in followed.output
    assert "vte-contract:" in followed.output
    assert [r["decision"] for r in recorded] == ["granted"]
