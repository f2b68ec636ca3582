"""The sources the territory's reference files are built from: the press kit's annex (`../shared/seeds/`) and the
npm tarball of `@etalab/decoupage-administratif`. A test that re-derives a committed file from its source never
skips silently: without the source it fails under CI (`CI=true`, set by `.ci/run`) and skips with the reason
elsewhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

from tdi_territory.reference.build import DEFAULT_SEED, repository_root
from tdi_territory.reference.catalogue import REFERENCE_FILE
from tdi_territory.reference.cog_build import cached_tarball


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def source_unavailable(reason: str) -> NoReturn:
    """A source is missing: a failure under CI, a skip with the reason on a developer's checkout."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a test of a committed file against its source never skips)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def annex_seed() -> Path:
    """The press kit's text (`../shared/seeds/`, beside the repository)."""
    seed = repository_root(REFERENCE_FILE.parent) / DEFAULT_SEED
    if not seed.is_file():
        source_unavailable(f"seed not available at {seed}")
    return seed


@pytest.fixture(scope="session")
def etalab_tarball() -> bytes:
    """`TDI_ETALAB_TARBALL` when set, else the vendored version's tarball fetched once from the npm registry into
    the cache (checked against `cog/VERSION`; other bytes fail the test wherever it runs)."""
    named = os.environ.get("TDI_ETALAB_TARBALL")
    if named:
        if not Path(named).is_file():
            source_unavailable(f"TDI_ETALAB_TARBALL names no file: {named}")
        return Path(named).read_bytes()
    try:
        return cached_tarball().read_bytes()
    except OSError as error:  # offline: the registry cannot be reached
        source_unavailable(f"the npm tarball of @etalab/decoupage-administratif cannot be fetched: {error}")
