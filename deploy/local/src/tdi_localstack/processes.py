"""Child processes that never outlive us: started in their own session, killed when their parent dies."""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child after fork (and after any setuid): if the test run or `make run` is killed,
    # even with SIGKILL, the kernel kills the broker or database too, so nothing is left behind.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def spawn(
    argv: Sequence[str],
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> subprocess.Popen[bytes]:
    """Start `argv` in its own session (Ctrl-C reaches only us), logging to `log_path`.

    The kernel's parent-death signal follows the *thread* that forked: a child started from a short-lived
    thread (a fault scenario restarting the broker) would be killed when that thread ends. Children are
    therefore forked from the main thread or from one spawner thread that lives as long as the process.
    """
    if threading.current_thread() is not threading.main_thread():
        return _SPAWNER.submit(_popen, argv, log_path, env, cwd, user).result()
    return _popen(argv, log_path, env, cwd, user)


_SPAWNER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="spawner")


def _popen(
    argv: Sequence[str], log_path: Path, env: Mapping[str, str] | None, cwd: Path | None, user: str | None
) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            user=user,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def stop(process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
    """Ask politely with `sig`, then kill the whole session of the child if it has not exited in time."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """kill -9 of the child and of its whole session (a database's backends die with its postmaster)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)


def wait_until(
    check: Callable[[], bool], *, timeout: float, what: str, process: subprocess.Popen[bytes], log_path: Path
) -> None:
    """Poll `check` until it holds; fail with the tail of the child's log if it dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}:\n{tail(log_path)}")
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
