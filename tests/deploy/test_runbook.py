"""deploy/RUNBOOK.md names only commands the code really provides.

Every `python -m <module> <subcommand>...` it names answers `--help` with exit 0 (a misspelt module or
subcommand exits non-zero); every script it runs exists; every Deployment, error code and metric it names is real.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tdi_contracts.errors import ErrorCode
from tdi_contracts.topics import SERVICES

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = (ROOT / "deploy" / "RUNBOOK.md").read_text(encoding="utf-8")
MODULE_COMMAND = re.compile(r"python -m ([a-z_][a-z0-9_.]*)((?: [a-z][a-z-]*)*)")
SCRIPT = re.compile(r"python ((?:deploy|contracts)/[\w/.-]+\.py)")


def module_commands() -> list[tuple[str, ...]]:
    """(module, subcommand words...) of each `python -m` in the runbook; arguments after the words are kept,
    `--help` is eager, so a positional argument does not change the answer."""
    found = {(m[1], *m[2].split()) for m in MODULE_COMMAND.finditer(RUNBOOK)}
    return sorted(found)


def test_the_runbook_names_the_tools_of_every_task() -> None:
    modules = {command[0] for command in module_commands()}
    assert {"tdi_runtime.outbox", "tdi_runtime.dlq", "tdi_reporting", "tdi_localstack"} <= modules
    for heading in ("Start", "Scale", "Rotate", "Re-drive", "parked outbox", "Rebuild", "Back up", "event version"):
        assert re.search(rf"^## \d+\. .*{heading}", RUNBOOK, re.MULTILINE | re.IGNORECASE), heading


CHECKER = """
import contextlib, io, json, runpy, sys
results = []
for command in json.loads(sys.argv[1]):
    sys.argv = [command[0], *command[1:], "--help"]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            runpy.run_module(command[0], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except Exception as error:
        code, out = 1, io.StringIO(repr(error))
    results.append([command, code, out.getvalue()[-300:]])
print(json.dumps(results))
"""


def help_exit_codes(commands: list[tuple[str, ...]]) -> list[tuple[tuple[str, ...], int, str]]:
    """`python -m <command> --help` for each command, all in one fresh interpreter (imports are shared)."""
    done = subprocess.run(
        [sys.executable, "-c", CHECKER, json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
        cwd=ROOT,
    )
    return [(tuple(c), rc, out) for c, rc, out in json.loads(done.stdout.splitlines()[-1])]


def test_every_python_module_command_of_the_runbook_exists() -> None:
    commands = module_commands()
    assert len(commands) >= 10
    answers = help_exit_codes([*commands, ("tdi_runtime.outbox", "parkd"), ("tdi_runtime.outboxes",)])
    *checked, misspelt_command, misspelt_module = answers
    assert misspelt_command[1] != 0 and misspelt_module[1] != 0, "a misspelt command would not be caught"
    failed = [f"python -m {' '.join(c)} --help -> {rc}: {out}" for c, rc, out in checked if rc != 0]
    assert not failed, "\n".join(failed)


def test_every_script_the_runbook_runs_exists() -> None:
    scripts = set(SCRIPT.findall(RUNBOOK))
    assert "deploy/k8s/generate.py" in scripts
    for script in scripts:
        assert (ROOT / script).is_file(), script


def test_every_deployment_error_code_and_metric_the_runbook_names_is_real() -> None:
    deployments = set(re.findall(r"deploy/(tdi-[a-z]+)", RUNBOOK))
    assert deployments and deployments <= {f"tdi-{s}" for s in SERVICES}
    for code in re.findall(r"--code ([A-Z_]+)", RUNBOOK):
        assert code in ErrorCode.__members__, code
    alerts = yaml.safe_load((ROOT / "deploy" / "observability" / "alerts.yaml").read_text(encoding="utf-8"))
    names = {rule["alert"] for group in alerts["groups"] for rule in group["rules"]}
    for alert in re.findall(r"alert `(\w+)`", RUNBOOK, re.IGNORECASE):
        assert alert in names, alert


@pytest.mark.parametrize("path", ["deploy/k8s/overlays/prod", "deploy/k8s/overlays/dev"])
def test_the_overlays_the_runbook_applies_exist(path: str) -> None:
    assert f"kubectl apply -k {path}" in RUNBOOK or path.endswith("dev")
    assert (ROOT / path / "kustomization.yaml").is_file()
