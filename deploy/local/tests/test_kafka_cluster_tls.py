"""TLS on the local Kafka cluster (`TDI_KAFKA_TLS=1` with `TDI_KAFKA_SECURE=1`), as on one broker: each node gets a
SASL_SSL listener on its own address, every certificate signed by one local CA that clients trust. No JVM here: the
nodes' properties and the certificates are read; `test_local_stack_cluster.py` connects over TLS for real."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from cryptography import x509

from tdi_localstack import tls
from tdi_localstack.kafka_cluster import KafkaCluster


def _certificates(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def _names(certificate: x509.Certificate) -> set[str]:
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(a) for a in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))


def test_every_node_of_a_secure_cluster_listens_with_tls_on_its_own_address_under_one_local_ca(tmp_path):
    cluster = KafkaCluster(tmp_path / "cluster", secure=True, tls=True)
    addresses = cluster.tls_bootstrap_servers.split(",")
    assert len(addresses) == 3 and len(set(addresses)) == 3
    keystores = set()
    for node, address in zip(cluster.nodes, addresses, strict=True):
        settings = node.properties()
        assert f"SASL_SSL://{address}" in settings["listeners"].split(",")
        assert f"SASL_SSL://{address}" in settings["advertised.listeners"].split(",")
        assert "SASL_SSL:SASL_SSL" in settings["listener.security.protocol.map"]
        assert settings["inter.broker.listener.name"] == "SASL_PLAINTEXT"  # TLS is the clients' door
        keystores.add(settings["listener.name.sasl_ssl.ssl.keystore.location"])
    [keystore] = keystores
    broker, *chain = _certificates(Path(keystore))
    [ca] = _certificates(cluster.ca_file)
    assert broker.issuer == ca.subject and ca in chain
    broker.verify_directly_issued_by(ca)
    assert {address.rsplit(":", 1)[0] for address in addresses} <= _names(broker)


def test_tls_on_a_cluster_without_secure_mode_is_refused_with_the_reason(tmp_path):
    with pytest.raises(ValueError, match="TDI_KAFKA_TLS=1 needs TDI_KAFKA_SECURE=1"):
        KafkaCluster(tmp_path / "cluster", secure=False, tls=True).launch()
    assert not list((tmp_path / "cluster").glob("node-*/server.properties")), "refused before any node starts"


def test_the_local_certificate_is_made_again_when_it_does_not_name_every_address_asked(tmp_path):
    """A kept data folder of a cluster in network namespaces gets another subnet at each start."""
    first = tls.local_tls(tmp_path)
    assert _names(_certificates(first.keystore_file)[0]) == {"127.0.0.1", "localhost"}
    hosts = ("127.0.0.1", "localhost", "10.213.7.11", "10.213.7.12")
    again = tls.local_tls(tmp_path, hosts)
    named = _names(_certificates(again.keystore_file)[0])
    assert set(hosts) <= named
    assert {str(ipaddress.ip_address("10.213.7.12"))} <= named
    assert tls.local_tls(tmp_path, hosts[:3]).keystore_file.read_bytes() == again.keystore_file.read_bytes()
