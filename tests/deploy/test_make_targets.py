"""The Makefile keeps its word: every target it declares has a rule, and the regeneration targets run the
commands the README gives. Checked with `make -n` (prints the recipes, runs none of them)."""

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


@pytest.mark.parametrize(
    ("target", "command"),
    [("schemas", "python -m tdi_contracts.schemas_export"), ("asyncapi", "python contracts/tools/gen_asyncapi.py")],
)
def test_the_regeneration_targets_run_the_commands_the_readme_gives(target, command):
    assert command in (ROOT / "README.md").read_text(encoding="utf-8")
    assert command in _dry_run(target).stdout
