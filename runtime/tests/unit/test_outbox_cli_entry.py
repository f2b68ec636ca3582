"""`python -m tdi_runtime.outbox` is the parked-rows command line, as `python -m tdi_runtime.dlq` is the DLQ's."""

import subprocess
import sys


def test_python_dash_m_tdi_runtime_outbox_offers_parked_and_retry():
    shown = subprocess.run(
        [sys.executable, "-m", "tdi_runtime.outbox", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "parked" in shown and "retry" in shown
