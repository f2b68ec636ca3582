"""One platform of their own (broker, database, five services) for every fault scenario of the session."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tdi_localstack.faults.harness import FaultPlatform, fault_platform


@pytest.fixture(scope="session")
def fault_run() -> Iterator[FaultPlatform]:
    """Never the shared dev stack: the scenarios kill services, the broker and the database.

    Not under pytest's `tmp_path_factory`: a concurrent pytest session of the same user prunes the older
    `pytest-N` folders (chmod, then delete), and took the embedded PostgreSQL's data directory mid-run."""
    folder = Path(tempfile.mkdtemp(prefix="tdi-faults-"))
    try:
        with fault_platform(folder) as platform:
            yield platform
    finally:
        shutil.rmtree(folder, ignore_errors=True)
