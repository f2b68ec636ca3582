"""What `make run` and `make demo` print reads well anywhere: plain text off a terminal, no line cut, a last word.

`make run` is run for real (`python -m tdi_localstack run`, its stdout a pipe) with the stack and services faked
by `fake_platform_run.py`; the demo's steps are faked with what they return against a real platform.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tdi_localstack import demo

SCRIPT = Path(__file__).with_name("fake_platform_run.py")
TOKEN = "Zq9v3W-kP2rT8yLmN4sB6dHjF1cXeG7uA0oIpQwE"  # as long as `make run`'s (token_urlsafe(24) is 32)
ANSI = re.compile(r"\x1b\[")
READY = "Ctrl-C stops everything"


def _run_make_run(extra_env: dict[str, str], stop: signal.Signals) -> tuple[list[str], int]:
    """The output lines of `run` up to its ready line, then after `stop`, and its exit status."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "COLUMNS", "TTY_COMPATIBLE"}}
    env.update({"PYTHONUNBUFFERED": "1", "TERM": "xterm-256color", **extra_env})
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), TOKEN],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        # a test run started in the background inherits SIGINT as ignored: give the child Ctrl-C back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    lines = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if READY in line:
                break
        process.send_signal(stop)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return lines + rest.splitlines(), process.returncode


@pytest.mark.parametrize(
    "extra_env",
    [{}, {"FORCE_COLOR": "1"}, {"COLUMNS": "40"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, {"TERM": "dumb"}],
    ids=["pipe", "pipe-force-color", "pipe-narrow", "no-color", "dumb"],
)
def test_make_run_piped_writes_no_ansi_code_and_never_splits_the_bearer_token_from_its_line(extra_env):
    lines, _ = _run_make_run(extra_env, signal.SIGTERM)
    text = "\n".join(lines)
    assert not ANSI.search(text), f"raw ANSI codes in: {text[:300]!r}"
    assert any(line.endswith(f"Authorization: Bearer {TOKEN} (.tdi/staff-token)") for line in lines), text
    assert any(f"/tableau-de-bord#access_token={TOKEN}" in line for line in lines)
    assert any("port 8004 is taken: vte serves on 41004" in line for line in lines)
    for name in ("territory", "actions", "funding", "vte", "reporting"):
        (line,) = [line for line in lines if line.strip().startswith(f"{name} ")]
        assert line.endswith(f"/srv/tdi/.tdi/logs/{name}.log"), line


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_run_stopped_by_ctrl_c_or_sigterm_ends_with_a_line_saying_everything_stopped(stop):
    lines, status = _run_make_run({}, stop)
    assert status == 0, "\n".join(lines)
    said = [line for line in lines if line.strip()]
    assert said.index("[fake] services stopped") < said.index("[fake] stack stopped") < len(said) - 1
    assert re.search(r"\beverything (is )?stopped\b", said[-1], re.IGNORECASE), said[-1]
    assert "Traceback" not in "\n".join(lines) and "Aborted" not in "\n".join(lines)


FIRST_RUN = {
    "périmètres : 32 territoires et leur EPCI": {"joined": 32},
    "binômes de la Marne": {"201": 14},
    "plan d'action national (2 150 fiches actions)": {
        "created": 2150, "updated": 0, "unchanged": 0, "refused": 0, "http": 200
    },
    "Fonds vert 2024 : dossiers et décisions": {
        "filed": 144, "refused_at_filing": 0, "approval_200": 90, "refusal_200": 18
    },
    "VTE : 300 contrats Bpifrance": {"contracts_accepted": 300, "contracts_refused": 0, "green_missions_accepted": 100},
    "registres : sites clés en main, écoles de production, réseau": {"201": 29},
}  # fmt: skip
TROUBLED_RUN = {
    "périmètres : 32 territoires et leur EPCI": {"joined": 31, "409 TERRITORY_LABEL_WITHDRAWN": 1},
    "binômes de la Marne": {"201": 12, "404 UNKNOWN_TERRITORY": 2},
    "plan d'action national (2 150 fiches actions)": {
        "created": 0, "updated": 3, "unchanged": 2140, "refused": 7, "http": 200
    },
    "Fonds vert 2024 : dossiers et décisions": {
        "filed": 140, "refused_at_filing": 4, "approval_200": 88, "approval_409": 2, "refusal_200": 18
    },
    "VTE : 300 contrats Bpifrance": {"contracts_accepted": 297, "contracts_refused": 3, "green_missions_accepted": 99},
    "registres : sites clés en main, écoles de production, réseau": {"201": 27, "409": 2},
}  # fmt: skip


def _platform_folder(folder: Path) -> Path:
    urls = {name: f"http://127.0.0.1:800{n}" for n, name in enumerate(demo_services(), start=1)}
    (folder / "services.json").write_text(json.dumps(urls), encoding="utf-8")
    (folder / "stack.env").write_text("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39092\n", encoding="utf-8")
    (folder / "staff-token").write_text(TOKEN, encoding="utf-8")
    return folder


def demo_services() -> tuple[str, ...]:
    return ("territory", "actions", "funding", "vte", "reporting")


def _said(monkeypatch, tmp_path, results) -> list[str]:
    steps = [(step[0], lambda platform, r=results[step[0]]: r, *step[2:]) for step in demo.STEPS]
    monkeypatch.setattr(demo, "STEPS", steps)
    said: list[str] = []
    report = demo.run_demo(_platform_folder(tmp_path), said.append)
    assert report == results  # what the e2e demo test reads is unchanged
    return said


def test_the_demo_says_one_readable_line_per_step_then_that_it_is_loaded_with_the_dashboard_address(
    monkeypatch, tmp_path
):
    said = _said(monkeypatch, tmp_path, FIRST_RUN)
    assert len(said) == len(FIRST_RUN) + 1
    for line in said:
        assert not re.search(r"[{}]|'\w+': \d", line), f"a Python dict in: {line}"
    perimeters, binomes, fiches, fonds_vert, vte, registers, last = said
    assert "32 territories joined the EPCI" in perimeters
    assert "14 binômes" in binomes
    assert "2,150 fiches actions" in fiches and "2,150 created" in fiches
    assert "144 dossiers" in fonds_vert and "90 approved" in fonds_vert and "18 refused" in fonds_vert
    assert "300 VTE contracts" in vte and "100 green" in vte
    assert "29 entries recorded" in registers
    assert "loaded" in last.lower()
    assert f"http://127.0.0.1:8005/tableau-de-bord#access_token={TOKEN}" in last


def test_the_demo_names_what_was_refused_and_by_which_code(monkeypatch, tmp_path):
    perimeters, binomes, fiches, fonds_vert, vte, registers, last = _said(monkeypatch, tmp_path, TROUBLED_RUN)
    assert "31 territories" in perimeters and "1 refused (409 TERRITORY_LABEL_WITHDRAWN: 1)" in perimeters
    assert "12 binômes" in binomes and "2 refused" in binomes and "404 UNKNOWN_TERRITORY" in binomes
    assert "3 updated" in fiches and "2,140 unchanged" in fiches and "7 refused" in fiches
    assert "4 refused at filing" in fonds_vert and "2 approvals refused (409)" in fonds_vert
    assert "3 refused" in vte
    assert "2 refused (409: 2)" in registers
    assert "loaded" in last.lower()
