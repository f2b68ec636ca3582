"""Children of the local stack outlive the thread that started them (a fault scenario restarting the broker)."""

from __future__ import annotations

import subprocess
import threading

import pytest

from tdi_localstack.processes import kill_hard, spawn


def test_a_child_started_from_a_thread_that_ends_keeps_running_until_killed(tmp_path):
    started: list[subprocess.Popen[bytes]] = []
    thread = threading.Thread(target=lambda: started.append(spawn(["sleep", "60"], log_path=tmp_path / "log")))
    thread.start()
    thread.join()
    try:
        with pytest.raises(subprocess.TimeoutExpired):  # before the fix the kernel killed it as its thread ended
            started[0].wait(1)
    finally:
        kill_hard(started[0])
