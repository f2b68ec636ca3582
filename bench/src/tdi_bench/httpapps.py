"""`python -m tdi_bench.httpapps territory|minimal PORT [SETTINGS_JSON|BODY_FILE]`: one HTTP scenario server.

Both run as `tdi_runtime.serve` runs a service: one uvicorn process, no access log. `territory` is the real
service app (`tdi_territory.app.create_app`) on settings given as JSON; `minimal` is the floor: a bare FastAPI
app answering the same paths with a constant (reads: the body the territory app answered, read from
BODY_FILE, serialised again by FastAPI on every request as the real route's is) or after validating the same
command model (writes), no authentication, no database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, status

from tdi_runtime.settings import ServiceSettings
from tdi_territory.commands import JoinEpci, LeaveEpci


def minimal_app(listed: dict[str, Any] | None = None) -> FastAPI:
    app = FastAPI(title="minimal")
    body = listed or {"count": 0, "territories": []}

    @app.get("/territories")
    async def list_territories() -> dict[str, Any]:
        return body

    @app.post("/territories/{territory_id}/epci", status_code=status.HTTP_201_CREATED)
    async def join_epci(territory_id: str, command: JoinEpci) -> dict[str, Any]:
        return {"territory_id": territory_id, "siren": command.siren}

    @app.post("/territories/{territory_id}/epci/{siren}/leave")
    async def leave_epci(territory_id: str, siren: str, command: LeaveEpci) -> dict[str, Any]:
        return {"territory_id": territory_id, "siren": siren}

    return app


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "territory":
        from tdi_territory.app import create_app

        app = create_app(ServiceSettings.for_service("territory", **json.loads(sys.argv[3])))
    else:
        app = minimal_app(json.loads(Path(sys.argv[3]).read_text(encoding="utf-8")) if len(sys.argv) > 3 else None)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
