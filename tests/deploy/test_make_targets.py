"""The Makefile keeps its word: every target it declares has a rule, and `make generate` is the one command that
rewrites every file derived from the contracts. Checked with `make -n` (prints the recipes, runs none of them)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")


def _declared() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return sorted({name for line in re.findall(r"^\.PHONY:(.*)$", text, re.MULTILINE) for name in line.split()})


def _dry_run(target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-n", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


@pytest.mark.parametrize("target", _declared())
def test_every_target_the_makefile_declares_has_a_rule(target):
    done = _dry_run(target)
    assert done.returncode == 0, done.stderr
    assert "Nothing to be done" not in done.stdout + done.stderr, f"`make {target}` is declared but has no rule"
    assert done.stdout.strip(), f"`make {target}` runs nothing"


GENERATORS = (
    "python -m tdi_contracts.schemas_export",
    "python contracts/tools/gen_asyncapi.py",
    "python -m tdi_contracts.partner_guide",
    "python deploy/k8s/generate.py",
)
"""Every writer of a file derived from the contracts (each file has a test that fails while it is stale)."""
STALENESS_TESTS = (
    "contracts/tests/test_schema_snapshots.py",
    "contracts/tests/test_asyncapi.py",
    "contracts/tests/test_partner_guide.py",
    "tests/deploy/test_k8s_manifests.py",
)


@pytest.mark.parametrize("command", GENERATORS)
def test_make_generate_runs_every_writer_of_a_derived_file(command):
    assert command in _dry_run("generate").stdout


@pytest.mark.parametrize("test_file", STALENESS_TESTS)
def test_a_stale_derived_file_is_reported_with_the_one_command_that_rewrites_it(test_file):
    assert "`make generate`" in (ROOT / test_file).read_text(encoding="utf-8")


def test_the_readme_and_the_partner_guide_give_make_generate_as_the_one_regeneration_command():
    for guide in ("README.md", "contracts/README.md"):
        text = (ROOT / guide).read_text(encoding="utf-8")
        assert "make generate" in text and "python -m tdi_contracts.schemas_export" not in text, guide
