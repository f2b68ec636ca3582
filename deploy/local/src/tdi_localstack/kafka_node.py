"""One node of the local Kafka cluster: the single broker's JVM and properties (`kafka_server.py`), made one
voter of a static quorum (combined broker+controller) with production's replication settings."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tdi_localstack.kafka_jars import kafka_libs
from tdi_localstack.kafka_server import _LOG4J2, KafkaServer, _properties, _secure_properties, kafka_jvm
from tdi_localstack.processes import spawn

REPLICATION_FACTOR = 3
MIN_INSYNC_REPLICAS = 2
CLUSTER_SETTINGS = {
    "offsets.topic.replication.factor": str(REPLICATION_FACTOR),
    "transaction.state.log.replication.factor": str(REPLICATION_FACTOR),
    "transaction.state.log.min.isr": str(MIN_INSYNC_REPLICAS),
    "share.coordinator.state.topic.replication.factor": str(REPLICATION_FACTOR),
    "share.coordinator.state.topic.min.isr": str(MIN_INSYNC_REPLICAS),
    "default.replication.factor": str(REPLICATION_FACTOR),
    "min.insync.replicas": str(MIN_INSYNC_REPLICAS),
    "unclean.leader.election.enable": "false",
    "auto.create.topics.enable": "false",
}
"""What the three nodes add to the single broker's properties (tests compare them with deploy/k8s/base/kafka.yaml)."""
DEFAULT_HEAP = "384m"


def _parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


@dataclass
class KafkaNode(KafkaServer):
    """One of the cluster's nodes: the single broker's JVM and settings, with its node id and the quorum's voters."""

    node_id: int = 1
    host: str = "127.0.0.1"
    voters: Callable[[], str] = field(default_factory=lambda: str, repr=False)
    shared_credentials: Path | None = None
    wrap: Callable[[list[str]], list[str]] = field(default_factory=lambda: list, repr=False)
    """Prefix of the JVM's command line (e.g. `ip netns exec <namespace>`)."""
    tls_names: Callable[[], tuple[str, ...]] = field(default_factory=lambda: lambda: ("127.0.0.1", "localhost"))
    """What the TLS certificate names (`tls=True`): one certificate for every node of the cluster."""

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def credentials(self) -> dict[str, str]:
        """The cluster's SCRAM users, one file for the three nodes (`<cluster folder>/credentials.json`)."""
        if self.shared_credentials is None:
            return super().credentials
        return KafkaServer(self.shared_credentials.parent).credentials

    @property
    def ca_file(self) -> Path:
        """The cluster's local CA (`<cluster folder>/tls/ca.pem`), which signed every node's certificate."""
        if self.shared_credentials is None:
            return super().ca_file
        return self.shared_credentials.parent / "tls" / "ca.pem"

    @property
    def tls_bootstrap_servers(self) -> str:
        return f"{self.host}:{self.tls_port}"

    def properties(self) -> dict[str, str]:
        """The single broker's properties, made one voter of three with production's replication (and, with `tls`,
        the single broker's SASL_SSL listener)."""
        secure = _secure_properties(self.port, self.controller_port, self.credentials["admin"]) if self.secure else {}
        settings = _parse(_properties(self.data_dir, self.port, self.controller_port, 6, secure))
        client = "SASL_PLAINTEXT" if self.secure else "PLAINTEXT"
        settings.pop("controller.quorum.bootstrap.servers", None)
        settings |= CLUSTER_SETTINGS | {
            "node.id": str(self.node_id),
            "controller.quorum.voters": self.voters(),
            "listeners": f"{client}://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller_port}",
            "advertised.listeners": f"{client}://{self.host}:{self.port}",
        }
        if self.tls:  # the SASL_SSL listener on this node's address, as the single broker's
            settings = self._with_tls_listener(settings, self.host, self.tls_names())
        return settings

    def launch(self) -> None:
        """Format (first time only: every node with the cluster's id and SCRAM users) and start the JVM."""
        libs, java = kafka_libs(), shutil.which("java") or "java"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in self.properties().items()), encoding="utf-8")
        log4j = self.data_dir / "log4j2.yaml"
        log4j.write_text(_LOG4J2.format(log=self.log_path), encoding="utf-8")
        jvm = kafka_jvm(java, self.heap, log4j, self.data_dir, libs, "-XX:MaxMetaspaceSize=128m")
        if not (self.data_dir / "logs" / "meta.properties").exists():
            cluster_id = (self.data_dir.parent / "cluster-id").read_text(encoding="utf-8").strip()
            storage = ["kafka.tools.StorageTool", "format", "--ignore-formatted", "-t", cluster_id, "-c", str(config)]
            subprocess.run(
                [*jvm, *storage, *self._scram_users()],
                check=True,
                capture_output=True,
            )
        self.process = spawn(self.wrap([*jvm, "kafka.Kafka", str(config)]), log_path=self.data_dir / "stdout.log")

    def _choose_ports(self) -> None:  # the cluster chooses them, once, for the whole quorum
        return None
