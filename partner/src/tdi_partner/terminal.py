"""Console output of the command-line tools (`tdi-partner`, `python -m tdi_localstack`): rich on a terminal, plain
text everywhere else.

Off a terminal (a pipe, a file, CI logs), or with `NO_COLOR` set or `TERM=dumb`, the output carries no ANSI code
at all (not even bold), whatever `FORCE_COLOR` says. Printed lines are never wrapped by us, on a terminal or off
it: a token, a URL or a command type stays on its line (a terminal folds a long line for display only, and
copying it back gives the whole line).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import IO

from rich.console import Console

PLAIN_WIDTH = 10_000
"""Width given to tables and other layouts off a terminal: wide enough that none of them folds a cell."""


def is_plain(stream: IO[str], environ: Mapping[str, str]) -> bool:
    """Whether output to `stream` must be plain text: not a terminal, `NO_COLOR` (any non-empty value), `TERM=dumb`."""
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):  # a closed or exotic stream
        terminal = False
    return not terminal or bool(environ.get("NO_COLOR")) or environ.get("TERM", "") == "dumb"


def console_for(stream: IO[str] | None = None, environ: Mapping[str, str] | None = None) -> Console:
    """A rich Console for `stream` (default: the current `sys.stdout`), decided now from the stream and environment."""
    out = stream if stream is not None else sys.stdout
    env = os.environ if environ is None else environ
    if is_plain(out, env):
        return Console(
            file=out,
            color_system=None,
            force_terminal=False,
            force_interactive=False,
            no_color=True,
            highlight=False,
            emoji=False,
            soft_wrap=True,
            width=PLAIN_WIDTH,
        )
    return Console(file=out, soft_wrap=True)
