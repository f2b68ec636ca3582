"""`python -m tdi_bench.e2e.readers_alone OUT.json [--quick]`: scenario "readers" alone, on a platform of its own.

The "before" figure of issue 22 #7 was taken by running this same client (with `readers.py`) from a checkout of the
commit before the readers change (`945f3b6^1`): copy both files there, run it, then run it here (stop 31 results:
`bench/results/readers-stop31-*.json`).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from typing import Any

from tdi_bench.e2e.modes import MODES, Mode
from tdi_bench.e2e.partner import producer, send_all
from tdi_bench.e2e.run import Contracts, readers
from tdi_bench.e2e.services import Platform, platform, vte_perimeters


async def _run(running: Platform, mode: Mode) -> dict[str, Any]:
    contracts = Contracts(uuid.uuid4().hex[:8], await vte_perimeters(running))
    sender = await producer(running.stack.bootstrap_servers)
    try:
        await send_all(sender, contracts.next(1))  # the first fold, before any stream
    finally:
        await sender.stop()
    await asyncio.sleep(2)
    return await readers(running, mode, contracts)


def main(argv: list[str]) -> None:
    out, mode = argv[0], MODES["quick" if "--quick" in argv else "full"]
    with platform(None) as running:
        started = time.time()
        result = asyncio.run(_run(running, mode))
    result["seconds"] = round(time.time() - started, 1)
    result["load_average_end"] = os.getloadavg()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, default=str)
    print(json.dumps({"held": result["streams"]["held"], "exports_per_s": result["exports"].get("per_s")}))


if __name__ == "__main__":
    main(sys.argv[1:])
