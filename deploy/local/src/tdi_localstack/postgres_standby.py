"""A PostgreSQL primary and its synchronous streaming standby, from the same binaries, set up as CloudNativePG does.

- The standby is a `pg_basebackup -R` of the primary, streaming under its own name (`application_name`, e.g.
  `pg-2`); the primary lists it in `synchronous_standby_names = 'ANY 1 ("pg-2")'` with `synchronous_commit = on`
  (CloudNativePG's `synchronous: {method: any, number: 1}`): a commit is acknowledged only once the standby has
  flushed it, so an acknowledged commit survives the loss of the primary.
- Clients use `url()`: both servers in one multi-host address with `target_session_attrs=read-write`, so a new
  connection finds whichever server is writable (libpq and asyncpg both honour it).
- `promote()` stands in for the operator's failover (`pg_promote()`); `rebuild_standby()` re-clones the lost
  server from the new primary, as CloudNativePG re-creates a failed instance.

Platform rule (local stack): with its only standby gone, the promoted primary stops waiting for one
(`synchronous_standby_names = ''`) until `rebuild_standby()` brings one back, so writes resume at once (what
CloudNativePG's `dataDurability: preferred` does). Production runs three instances (`deploy/k8s/base/postgres.yaml`):
after a failover one standby remains, and commits stay synchronous throughout.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psutil

from tdi_localstack.postgres_server import SUPERUSER, PostgresServer, _bin_dir, _system_user

SYNCHRONOUS_METHOD = "any"
SYNCHRONOUS_NUMBER = 1
"""CloudNativePG's `synchronous` stanza of the manifests, as the local pair applies it (tests compare them)."""
STANDBY_SETTINGS = {"wal_keep_size": "256MB", "hot_standby_feedback": "on"}
"""A short-lived standby needs no WAL archive: the primary keeps enough WAL for it to catch up after a pause."""


def synchronous_standby_names(standbys: list[str]) -> str:
    """CloudNativePG's rendering of `synchronous: {method: any, number: n}` over the other instances."""
    if not standbys:
        return ""
    names = ",".join(f'"{name}"' for name in standbys)
    return f"{SYNCHRONOUS_METHOD.upper()} {SYNCHRONOUS_NUMBER} ({names})"


@dataclass
class PostgresPair:
    """`start()` the primary (`pg-1`), `add_standby()` once the databases exist; `url()` finds the writable one."""

    data_dir: Path
    servers: list[PostgresServer] = field(default_factory=list)
    primary: int = 0
    """Index in `servers` of the current primary."""
    failovers: int = 0

    def __post_init__(self) -> None:
        if not self.servers:
            self.servers = [
                PostgresServer(self.data_dir / name / "data", name=name, settings=dict(STANDBY_SETTINGS))
                for name in ("pg-1", "pg-2")
            ]

    @property
    def primary_server(self) -> PostgresServer:
        return self.servers[self.primary]

    @property
    def standby_server(self) -> PostgresServer:
        return self.servers[1 - self.primary]

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        """Both servers, the writable one found at connection time (`target_session_attrs=read-write`)."""
        secret = f":{password}" if password else ""
        hosts = ",".join(f"127.0.0.1:{server.port}" for server in self.servers)
        return f"postgresql://{user}{secret}@{hosts}/{database}?target_session_attrs=read-write"

    def launch(self) -> None:
        """Start the primary. In a kept folder it is the server promoted last (the highest timeline), and it waits
        for no standby and is no longer fenced until `add_standby()` has cloned a fresh one from it."""
        self.primary = max(range(len(self.servers)), key=lambda i: (_timeline(self.servers[i].data_dir), -i))
        auto = self.primary_server.data_dir / "postgresql.auto.conf"
        if auto.exists():
            lines = auto.read_text(encoding="utf-8").splitlines(keepends=True)
            kept = [
                x for x in lines if not x.startswith(("synchronous_standby_names", "default_transaction_read_only"))
            ]
            auto.write_text("".join(kept), encoding="utf-8")
        self.primary_server.launch()

    def wait_ready(self, *, timeout: float = 60.0) -> None:
        self.primary_server.wait_ready(timeout=timeout)
        self.standby_server.port = self.standby_server.port or _free_port()

    def start(self, *, timeout: float = 60.0) -> None:
        self.launch()
        self.wait_ready(timeout=timeout)

    def add_standby(self, *, timeout: float = 120.0) -> None:
        """Clone the primary into the standby's folder, start it streaming, then make commits wait for it."""
        primary, standby = self.primary_server, self.standby_server
        if standby.process is not None:
            standby.stop()
        shutil.rmtree(standby.data_dir, ignore_errors=True)
        standby.data_dir.mkdir(parents=True)
        standby.data_dir.chmod(0o700)
        user = _system_user(standby.data_dir)
        conninfo = f"host=127.0.0.1 port={primary.port} user={SUPERUSER} application_name={standby.name}"
        subprocess.run(
            [
                str(_bin_dir() / "pg_basebackup"),
                "--pgdata",
                str(standby.data_dir),
                "--dbname",
                conninfo,
                "--wal-method=stream",
                "--write-recovery-conf",
                "--checkpoint=fast",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            user=user,
            timeout=timeout,
        )
        standby.start(timeout=timeout)
        asyncio.run(self._until_streaming(timeout))
        asyncio.run(self._set_standbys(primary, [standby.name]))

    def rebuild_standby(self, *, timeout: float = 120.0) -> None:
        """The lost server back as the new primary's standby (a fresh clone: its old timeline is discarded)."""
        self.add_standby(timeout=timeout)

    def promote(self, *, timeout: float = 60.0) -> None:
        """The operator's failover: the standby becomes the primary (`pg_promote()`); a live old primary is stopped
        first, as CloudNativePG shuts it down before promoting (no two writable servers)."""
        old, new = self.primary_server, self.standby_server
        if old.process is not None:
            old.stop()
        asyncio.run(self._promote(new, timeout))
        self.primary = self.servers.index(new)
        self.failovers += 1

    async def _promote(self, server: PostgresServer, timeout: float) -> None:
        conn = await asyncpg.connect(server.url())
        try:
            if await conn.fetchval("SELECT pg_is_in_recovery()"):
                await conn.fetchval("SELECT pg_promote(wait => true, wait_seconds => $1)", int(timeout))
        finally:
            await conn.close()
        await self._set_standbys(server, [])  # its only standby is gone (see the module's platform rule)

    @staticmethod
    async def _set_standbys(primary: PostgresServer, standbys: list[str]) -> None:
        conn = await asyncpg.connect(primary.url())
        try:
            await conn.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{synchronous_standby_names(standbys)}'")
            await conn.fetchval("SELECT pg_reload_conf()")
            for _ in range(200):  # the reload is asynchronous: until this session sees it (a few ms)
                if await conn.fetchval("SHOW synchronous_standby_names") == synchronous_standby_names(standbys):
                    break
                await asyncio.sleep(0.05)
        finally:
            await conn.close()

    async def _until_streaming(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        conn = await asyncpg.connect(self.primary_server.url())
        try:
            name = self.standby_server.name
            query = "SELECT state FROM pg_stat_replication WHERE application_name = $1"
            while await conn.fetchval(query, name) != "streaming":
                if time.monotonic() > deadline:
                    raise TimeoutError(f"standby {name} not streaming after {timeout:.0f}s")
                await asyncio.sleep(0.1)
        finally:
            await conn.close()

    def kill_primary(self) -> None:
        """kill -9 of the primary's postmaster and backends (the standby stays, ready to be promoted)."""
        self.primary_server.kill()

    def pause_standby(self) -> None:
        """SIGSTOP of every process of the standby (tests: a standby that receives nothing)."""
        self._signal_standby(signal.SIGSTOP)

    def resume_standby(self) -> None:
        self._signal_standby(signal.SIGCONT)

    def _signal_standby(self, sig: int) -> None:
        """The postmaster and each of its children (PostgreSQL puts every child in a process group of its own)."""
        process = self.standby_server.process
        if process is None:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            postmaster = psutil.Process(process.pid)
            for child in [postmaster, *postmaster.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.send_signal(sig)

    @property
    def pids(self) -> dict[str, int]:
        return {s.name: s.process.pid for s in self.servers if s.process is not None}

    def stop(self) -> None:
        self.resume_standby()
        for server in self.servers:
            server.stop()


def _timeline(data_dir: Path) -> int:
    """The timeline a server's data folder is on (promotions raise it); -1 for none, or for a standby's clone."""
    if not (data_dir / "PG_VERSION").exists() or (data_dir / "standby.signal").exists():
        return -1
    done = subprocess.run([str(_bin_dir() / "pg_controldata"), str(data_dir)], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("Latest checkpoint's TimeLineID:"):
            return int(line.rsplit(":", 1)[1])
    return -1


def _free_port() -> int:
    from tdi_localstack.ports import free_port

    return free_port()


def _servers_of(url: str) -> list[str]:
    """One single-host address per host of a multi-host address (same user, database)."""
    parsed = urlsplit(url)
    credentials, _, hosts = parsed.netloc.rpartition("@")
    return [urlunsplit((parsed.scheme, f"{credentials}@{host}", parsed.path, "", "")) for host in hosts.split(",")]


async def fail_over(url: str) -> str:
    """The failover of a running pair, from its multi-host address alone (the CLI's `promote`, beside `make run`):
    a live old primary is fenced first (`default_transaction_read_only`, its client sessions ended), so no two
    servers take writes, then the standby is promoted and stops waiting for a standby (module's platform rule).
    Pooled connections are then made again through the address and find the promoted server."""
    roles: dict[str, bool] = {}
    for server in _servers_of(url):
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            conn = await asyncpg.connect(server, timeout=5)
            try:
                roles[server] = bool(await conn.fetchval("SELECT pg_is_in_recovery()"))
            finally:
                await conn.close()
    standbys = [server for server, in_recovery in roles.items() if in_recovery]
    if not standbys:
        raise RuntimeError(f"no standby answers at {url}: nothing to promote ({roles})")
    for server in (s for s, in_recovery in roles.items() if not in_recovery):
        conn = await asyncpg.connect(server)
        try:
            await conn.execute("ALTER SYSTEM SET default_transaction_read_only = on")
            await conn.fetchval("SELECT pg_reload_conf()")
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        finally:
            await conn.close()
    conn = await asyncpg.connect(standbys[0])
    try:
        await conn.fetchval("SELECT pg_promote(wait => true)")
        await conn.execute("ALTER SYSTEM SET synchronous_standby_names = ''")
        await conn.fetchval("SELECT pg_reload_conf()")
    finally:
        await conn.close()
    host = urlsplit(standbys[0]).netloc.rpartition("@")[2]
    fenced = [urlsplit(s).netloc.rpartition("@")[2] for s, r in roles.items() if not r]
    return f"promoted {host}; fenced (read-only): {', '.join(fenced) or 'none (it was down)'}"
