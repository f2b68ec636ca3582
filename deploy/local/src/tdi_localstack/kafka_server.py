"""A single-node Apache Kafka 4.x broker+controller in KRaft mode, run from the Maven jars on free ports."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import secrets
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tdi_localstack.kafka_jars import kafka_libs
from tdi_localstack.ports import free_port
from tdi_localstack.processes import kill_hard, spawn, stop, wait_until

_LOG4J2 = """\
Configuration:
  status: warn
  Appenders:
    File:
      name: file
      fileName: "{log}"
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: warn
      AppenderRef:
        - ref: file
    Logger:
      - name: kafka.server.KafkaServer
        level: info
      - name: kafka.server.BrokerServer
        level: info
"""


def _secure_properties(port: int, controller_port: int, admin_password: str) -> dict[str, str]:
    """SASL/SCRAM-SHA-512 for clients and between brokers, the KRaft authorizer, nothing allowed by default.

    The controller listener stays PLAINTEXT on loopback (its principal, ANONYMOUS, is a super user): only the
    broker of this same process reaches it.
    """
    module = "org.apache.kafka.common.security.scram.ScramLoginModule"
    jaas = f'{module} required username="admin" password="{admin_password}";'
    return {
        "listeners": f"SASL_PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"SASL_PLAINTEXT://127.0.0.1:{port}",
        "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": jaas,
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": "User:admin;User:ANONYMOUS",
    }


def _properties(data: Path, port: int, controller_port: int, partitions: int, secure: dict[str, str]) -> str:
    lines = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.bootstrap.servers": f"127.0.0.1:{controller_port}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(data / "logs"),
        "num.partitions": str(partitions),
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "6",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "group.initial.rebalance.delay.ms": "0",
        # A consumer group offline for a while must not lose its offsets before the inbox forgets (120 days).
        "offsets.retention.minutes": str(180 * 24 * 60),
        "auto.create.topics.enable": "false",
        "num.network.threads": "2",
        "num.io.threads": "4",
        "log.flush.interval.messages": "9223372036854775807",
        **secure,
    }
    return "".join(f"{key}={value}\n" for key, value in lines.items())


TLS_NEEDS_SECURE = "TDI_KAFKA_TLS=1 needs TDI_KAFKA_SECURE=1: the TLS listener authenticates with SCRAM"


def new_cluster_id() -> str:
    """A random KRaft cluster id (a UUID in 22 URL-safe base64 characters) that never starts with "-": given to
    `StorageTool format -t <id>`, such an id is read as an option and the format fails (one draw in 64). Kafka's own
    `Uuid.randomUuid()` draws again in that case too."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


@dataclass
class KafkaServer:
    """One KRaft node: `start()` formats storage, starts the JVM and waits for a metadata answer."""

    data_dir: Path
    heap: str = field(default_factory=lambda: os.environ.get("TDI_KAFKA_HEAP", "512m"))
    port: int = 0
    controller_port: int = 0
    process: subprocess.Popen[bytes] | None = None
    secure: bool = False
    """SASL/SCRAM listeners and ACLs (`TDI_KAFKA_SECURE=1` for the local stack): see `credentials`."""
    tls: bool = field(default_factory=lambda: os.environ.get("TDI_KAFKA_TLS", "") in ("1", "true", "yes"))
    """Secure mode only: one more listener, SASL_SSL on `tls_port`, its certificate signed by a local CA
    (`tdi_localstack.tls`; clients trust `ca_file`). Off unless `TDI_KAFKA_TLS=1`."""
    tls_port: int = 0

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def tls_bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.tls_port}"

    @property
    def ca_file(self) -> Path:
        """The local CA's certificate (PEM) that signed the TLS listener's certificate."""
        return self.data_dir / "tls" / "ca.pem"

    @property
    def credentials(self) -> dict[str, str]:
        """SCRAM user -> password (admin, one per partner, one per service), made once per data folder."""
        path = self.data_dir / "credentials.json"
        if not path.exists():
            from tdi_contracts.access import principals

            users = ["admin", *(p.removeprefix("User:") for p in principals())]
            path.write_text(json.dumps({u: secrets.token_urlsafe(18) for u in users}, indent=2), encoding="utf-8")
            path.chmod(0o600)
        return dict(json.loads(path.read_text(encoding="utf-8")))

    def client_options(self, user: str = "admin") -> dict[str, str]:
        """aiokafka connection options of one SCRAM user; on a plaintext broker, plaintext said explicitly (so a
        secure session's `KAFKA_SECURITY_PROTOCOL` left in the environment does not apply to this broker)."""
        if not self.secure:
            return {"security_protocol": "PLAINTEXT"}
        return {
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": user,
            "sasl_plain_password": self.credentials[user],
        }

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self, *, timeout: float = 90.0) -> None:
        self.launch()
        self.wait_ready(timeout=timeout)

    def launch(self) -> None:
        """Format (first time only) and start the JVM without waiting for it."""
        libs = kafka_libs()
        java = shutil.which("java") or "java"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._choose_ports()
        config = self.data_dir / "server.properties"
        secure = _secure_properties(self.port, self.controller_port, self.credentials["admin"]) if self.secure else {}
        if self.tls:
            secure = self._with_tls_listener(secure)
        config.write_text(_properties(self.data_dir, self.port, self.controller_port, 6, secure), encoding="utf-8")
        log4j = self.data_dir / "log4j2.yaml"
        log4j.write_text(_LOG4J2.format(log=self.log_path), encoding="utf-8")
        jvm = kafka_jvm(java, self.heap, log4j, self.data_dir, libs)
        if not (self.data_dir / "logs" / "meta.properties").exists():
            cluster_id = new_cluster_id()
            subprocess.run(
                [
                    *jvm,
                    "kafka.tools.StorageTool",
                    "format",
                    "--standalone",
                    "--ignore-formatted",
                    "-t",
                    cluster_id,
                    "-c",
                    str(config),
                    *self._scram_users(),
                ],
                check=True,
                capture_output=True,
            )
        self.process = spawn([*jvm, "kafka.Kafka", str(config)], log_path=self.data_dir / "stdout.log")

    def _with_tls_listener(
        self, secure: dict[str, str], host: str = "127.0.0.1", names: tuple[str, ...] = ("127.0.0.1", "localhost")
    ) -> dict[str, str]:
        """`secure` plus the SASL_SSL listener on `host`, its certificate naming `names` (a cluster's every node)."""
        from tdi_localstack import tls

        if not self.secure:
            raise ValueError(TLS_NEEDS_SECURE)
        self.tls_port = self.tls_port or free_port()
        return tls.listener_properties(secure, self.tls_port, tls.local_tls(self.ca_file.parent, names), host)

    def _scram_users(self) -> list[str]:
        """`--add-scram` arguments: the SCRAM users exist from the first start, before any client connects."""
        if not self.secure:
            return []
        return [
            arg
            for user, password in self.credentials.items()
            for arg in ("--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]")
        ]

    def wait_ready(self, *, timeout: float = 90.0) -> None:
        assert self.process is not None, "launch() first"
        wait_until(self.is_ready, timeout=timeout, what="Kafka broker", process=self.process, log_path=self.log_path)

    def _choose_ports(self) -> None:
        """Fresh free ports, except for a kept data folder: KRaft remembers its controller's address."""
        saved = self.data_dir / "ports.json"
        if saved.exists() and not (self.port or self.controller_port):
            ports = json.loads(saved.read_text())
            self.port, self.controller_port = ports["broker"], ports["controller"]
            return
        self.port = self.port or free_port()
        self.controller_port = self.controller_port or free_port()
        saved.write_text(json.dumps({"broker": self.port, "controller": self.controller_port}))

    def is_ready(self) -> bool:
        """Ready means a metadata request is answered, not merely that the port is open."""
        return asyncio.run(metadata_answers(self.bootstrap_servers, self.client_options()))

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=30)
            self.process = None

    def kill(self) -> None:
        """kill -9, as a crash would: no clean shutdown, the log recovers at the next `start()` (same ports)."""
        if self.process is not None:
            kill_hard(self.process)
            self.process = None


async def metadata_answers(bootstrap_servers: str, options: dict[str, str] | None = None) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    # A broker still booting refuses connections: that is the expected answer here, not an error to log.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=3000, **(options or {}))
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        await admin.close()
        logging.getLogger("aiokafka").setLevel(logging.NOTSET)


def kafka_jvm(java: str, heap: str, log4j: Path, data_dir: Path, libs: Path | str, *options: str) -> list[str]:
    """The JVM command line of a broker (single or a cluster's node): an explicit heap, G1, its log4j2 file."""
    return [
        java,
        f"-Xmx{heap}",
        f"-Xms{heap}",
        *options,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={log4j}",
        f"-Dkafka.logs.dir={data_dir}",
        "-cp",
        f"{libs}/*",
    ]
