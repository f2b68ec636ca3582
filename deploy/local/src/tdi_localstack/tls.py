"""A local certificate authority and a broker certificate, for the stack's optional TLS listener (`TDI_KAFKA_TLS=1`).

Made once per data folder with the `cryptography` package: `ca.pem` (what clients trust: `KAFKA_SSL_CAFILE`,
`tdi-partner --ca-file`) and `broker.pem` (the broker's PKCS#8 private key and certificate chain, read by Kafka as a
PEM keystore, readable by its owner only). The broker's certificate names 127.0.0.1 and localhost, so clients
verify the hostname as in production. The CA's key is never written: both are made again together.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=30)
"""A local stack's certificates live a month; a kept data folder gets new ones when they near their end."""


@dataclass(frozen=True)
class TlsMaterial:
    ca_file: Path
    keystore_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "TDI local stack"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])  # fmt: skip


def _still_valid(path: Path) -> bool:
    if not path.exists():
        return False
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    return certificate.not_valid_after_utc - datetime.datetime.now(datetime.UTC) > datetime.timedelta(days=1)


def _names_every(keystore: Path, hosts: tuple[str, ...]) -> bool:
    """Whether the broker certificate of `keystore` names every host (a cluster's nodes may move between starts)."""
    if not keystore.exists():
        return False
    broker = x509.load_pem_x509_certificates(keystore.read_bytes())[0]  # the key, then the broker's, then the CA's
    san = broker.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    named = {str(a) for a in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))
    return all(str(ipaddress.ip_address(h)) in named if _is_ip(h) else h in named for h in hosts)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def local_tls(folder: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> TlsMaterial:
    """The folder's CA and broker certificate, made (again) when missing, about to expire or not naming every host
    (one certificate for every node of a cluster)."""
    folder.mkdir(parents=True, exist_ok=True)
    material = TlsMaterial(folder / "ca.pem", folder / "broker.pem")
    if _still_valid(material.ca_file) and _names_every(material.keystore_file, hosts):
        return material
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("TDI local CA"))
        .issuer_name(_name("TDI local CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address(h)) if _is_ip(h) else x509.DNSName(h) for h in dict.fromkeys(hosts)
    ]
    broker = (
        x509.CertificateBuilder()
        .subject_name(_name("TDI local Kafka broker"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    pkcs8 = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    material.keystore_file.write_bytes(pkcs8 + broker.public_bytes(pem) + ca.public_bytes(pem))
    material.keystore_file.chmod(0o600)
    material.ca_file.write_bytes(ca.public_bytes(pem))
    return material


def listener_properties(
    base: dict[str, str], port: int, material: TlsMaterial, host: str = "127.0.0.1"
) -> dict[str, str]:
    """The broker's secure properties plus a SASL_SSL listener on `host:port` (SCRAM over TLS, as the partners'
    listener of deploy/k8s), keyed by the PEM keystore."""
    jaas = base["listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"]
    return {
        **base,
        "listeners": f"{base['listeners']},SASL_SSL://{host}:{port}",
        "advertised.listeners": f"{base['advertised.listeners']},SASL_SSL://{host}:{port}",
        "listener.security.protocol.map": f"{base['listener.security.protocol.map']},SASL_SSL:SASL_SSL",
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": jaas,
        "listener.name.sasl_ssl.ssl.keystore.type": "PEM",
        "listener.name.sasl_ssl.ssl.keystore.location": str(material.keystore_file),
    }
