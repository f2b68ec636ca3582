"""`tdi-partner types` shows every command type whole, at any width, on a terminal or piped: v1 and v2 stay apart."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from tdi_contracts.reference import Partner
from tdi_partner.commands import command_types

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TYPES = command_types(Partner.BPIFRANCE)
COMMAND = [sys.executable, "-c", "from tdi_partner.cli import app; app()", "types", "--partner", "bpifrance"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "COLUMNS", "TTY_COMPATIBLE"}}
    return {**env, "TERM": "xterm-256color", **extra}


def _on_a_terminal(columns: int, *, strip: bool = True, **env: str) -> str:
    """What the command writes to a real terminal (a pty) `columns` wide (its ANSI codes removed with `strip`)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdout is the pty
        os.execve(sys.executable, COMMAND, _env(**env))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    out, deadline = b"", time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the pty
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    text = out.decode("utf-8", "replace").replace("\r", "")
    return ANSI.sub("", text) if strip else text


def _piped(**env: str) -> str:
    return subprocess.run(COMMAND, capture_output=True, text=True, env=_env(**env), check=True, timeout=120).stdout


def _shows_every_type_whole(output: str) -> None:
    words = set(re.findall(r"[\w.\-]+", output))
    missing = [t for t in TYPES if t not in words]
    assert missing == [], f"cut or missing: {missing}\n{output}"
    assert "…" not in output
    assert "fr.territoires-industrie.vte.RecordVteContract.v1" in words
    assert "fr.territoires-industrie.vte.RecordVteContract.v2" in words


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_types_piped_shows_every_command_type_whole_at_any_width(columns):
    output = _piped(COLUMNS=str(columns))
    _shows_every_type_whole(output)
    assert not ANSI.search(output)


@pytest.mark.parametrize("columns", [40, 80])
def test_types_on_a_narrow_terminal_shows_every_command_type_whole(columns):
    _shows_every_type_whole(_on_a_terminal(columns))


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["no-color", "dumb"])
def test_types_on_a_terminal_asked_for_no_colour_writes_no_ansi_code(env):
    output = _on_a_terminal(80, strip=False, **env)
    assert not ANSI.search(output), repr(output[:200])
    _shows_every_type_whole(output)


def test_types_names_the_topic_of_each_command_and_the_answers_topic():
    output = _piped()
    assert "tdi.partner.bpifrance.funding.v1" in output and "tdi.partner.bpifrance.vte.v1" in output
    assert "tdi.partner.bpifrance.feedback.v1" in output
    funding = output.index("tdi.partner.bpifrance.funding.v1")
    vte = output.index("tdi.partner.bpifrance.vte.v1")
    assert funding < output.index("fr.territoires-industrie.funding.CommitGrant.v1") < vte
    assert vte < output.index("fr.territoires-industrie.vte.RecordVteContract.v2")
