"""A real full disk for scenario 10: one schema's tables moved to a tablespace on a tiny tmpfs, then filled.

PostgreSQL's own write then fails as on any full disk (`could not extend file ...: No space left on device`,
SQLSTATE 53100), so the suite exercises the server's real error rather than an imitation. The tables get
`fillfactor = 10` as they move: their pages count as full, so the next insert must extend a file at once.
Mounting needs root and CAP_SYS_ADMIN; elsewhere `SmallDisk.mount` returns None and the scenario uses a
trigger raising the same SQLSTATE instead. The mount outlives the scenario (the tables stay there) and is
lazily unmounted when the platform's database has stopped.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import asyncpg

TABLESPACE = "tdi_fault_small_disk"
KIT_TABLES = ("outbox", "inbox", "schema_migrations", "http_requests")
"""Left where they are: a full disk for the service's own tables is enough to stop its batches."""


@dataclass
class SmallDisk:
    root: Path

    @property
    def filler(self) -> Path:
        return self.root / "filler"

    @classmethod
    def mount(cls, where: Path, owner_of: Path, size_mb: int = 16) -> SmallDisk | None:
        """A tmpfs of `size_mb` at `where`, with a folder owned by the owner of `owner_of` (PostgreSQL's)."""
        if os.geteuid() != 0 or shutil.which("mount") is None:
            return None
        where.mkdir(parents=True, exist_ok=True)
        options = f"size={size_mb}m,mode=0755"
        if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True).returncode:
            where.rmdir()
            return None
        space, owner = where / "pg", owner_of.stat()
        space.mkdir()
        os.chown(space, owner.st_uid, owner.st_gid)
        return cls(where)

    async def move(self, database_url: str, schema: str) -> list[str]:
        """Put the schema's own tables (not the kit's) on the small disk; returns their names."""
        conn = await asyncpg.connect(database_url)
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_tablespace WHERE spcname = $1", TABLESPACE):
                await conn.execute(f"CREATE TABLESPACE {TABLESPACE} LOCATION '{self.root / 'pg'}'")
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = $1", schema)
            tables = sorted(r["tablename"] for r in rows if r["tablename"] not in KIT_TABLES)
            for attempt in range(10):  # the running service may hold these tables: a deadlock is retried
                try:
                    async with conn.transaction():
                        for table in tables:
                            await conn.execute(f"ALTER TABLE {schema}.{table} SET TABLESPACE {TABLESPACE}")
                            await conn.execute(f"ALTER TABLE {schema}.{table} SET (fillfactor = 10)")
                    return tables
                except asyncpg.DeadlockDetectedError:
                    if attempt == 9:
                        raise
            return tables
        finally:
            await conn.close()

    def fill(self) -> int:
        """Write until the disk refuses; returns the bytes written."""
        written, chunk = 0, 1 << 16
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while chunk:
                try:
                    written += os.write(fd, b"\0" * chunk)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    chunk //= 2
        finally:
            os.close(fd)
        return written

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        with contextlib.suppress(OSError):
            self.free()
        subprocess.run(["umount", "-l", str(self.root)], capture_output=True, check=False)
        with contextlib.suppress(OSError):
            self.root.rmdir()
