"""Scenario 7, HTTP: the territory service's busiest routes on uvicorn vs a minimal FastAPI app, same run.

Two server processes started side by side (`httpapps.py`): the real territory app (its own schema, reference
list published at start, relay, consumers and retention off so only HTTP work is measured; the outbox rows
stay) and a minimal FastAPI app answering the same paths. The load comes from a second process, `wrk`
(Debian package `wrk`; the scenario is skipped without it), the same script for both servers, alternating:
- reads: `GET /territories` (the whole list, 183 territories, with a bearer token), 4 threads, 16 connections;
  the minimal route answers the very body the territory app answered (a constant FastAPI serialises again);
- commands: `POST /territories/{id}/epci` then `POST .../epci/{siren}/leave` of the same EPCI, each with its
  own Idempotency-Key, one connection per territory (8), so a leave always follows its join.
Throughput counts 2xx answers only.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import sys
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx

from tdi_bench.runner import ScenarioResult
from tdi_bench.workload import Workload

TOKEN = "bench-staff"
COMMAND_CONNECTIONS = 8
READS = f'wrk.headers["Authorization"] = "Bearer {TOKEN}"\n'
COMMANDS = """
local territories = {%(territories)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", territories[counter])
  thread:set("base", %(base)d + counter * 50000)
end
local function siren(b)  -- 8 digits and their Luhn check digit
  local s, sum = string.format("%%08d", b), 0
  for i = 8, 1, -1 do
    local d = tonumber(s:sub(i, i))
    if (8 - i) %% 2 == 0 then d = d * 2; if d > 9 then d = d - 9 end end
    sum = sum + d
  end
  return s .. tostring((10 - sum %% 10) %% 10)
end
local n, joined = 0, nil
function request()
  local h = {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json"}
  if joined == nil then
    n = n + 1
    joined = siren(base + n)
    h["Idempotency-Key"] = "bench-j-" .. joined
    local body = '{"siren":"' .. joined .. '","name":"EPCI de banc ' .. n .. '","nature_juridique":"CC",'
      .. '"joined_on":"2024-01-15"}'
    return wrk.format("POST", "/territories/" .. tid .. "/epci", h, body)
  end
  local s = joined
  joined = nil
  h["Idempotency-Key"] = "bench-l-" .. s
  return wrk.format("POST", "/territories/" .. tid .. "/epci/" .. s .. "/leave", h, '{"left_on":"2024-06-30"}')
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse_wrk(output: str) -> tuple[int, float]:
    """(2xx answers, their rate per second) from wrk's summary."""
    found = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    requests, seconds = int(found[1]), float(found[2]) * {"ms": 0.001, "s": 1.0, "m": 60.0}[found[3]]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    ok = requests - (int(failed[1]) if failed else 0)
    return ok, ok / seconds


class HttpScenario:
    key = "http"

    def __init__(self, workload: Workload, seconds: float) -> None:
        self.w, self.seconds, self.runs = workload, seconds, 0
        self.dir = Path()

    async def _server(self, stack: AsyncExitStack, kind: str, argument: dict[str, Any] | str | None = None) -> str:
        port = _free_port()
        argv = [sys.executable, "-m", "tdi_bench.httpapps", kind, str(port)]
        log = (self.dir / f"{kind}.log").open("w")
        argv += [] if argument is None else [argument if isinstance(argument, str) else json.dumps(argument)]
        process = await asyncio.create_subprocess_exec(*argv, stdout=log, stderr=log)
        stack.callback(log.close)
        stack.push_async_callback(_stop, process)
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            for _ in range(600):
                if process.returncode is not None:
                    raise RuntimeError(f"the {kind} server exited: {(self.dir / f'{kind}.log').read_text()[-3000:]}")
                try:
                    answer = await client.get("/territories")
                    if answer.status_code == 200 and (kind == "minimal" or answer.json()["count"] > 0):
                        return url
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"the {kind} server did not answer in 120 s")

    async def _wrk(self, url: str, script: str, threads: int, connections: int) -> tuple[int, float]:
        path = self.dir / f"run-{self.runs}.lua"
        path.write_text(script, encoding="utf-8")
        self.runs += 1
        argv = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(round(self.seconds), 1)}s",
            "--timeout",
            "60s",
            "-s",
            str(path),
            url,
        ]
        process = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
        out, _ = await process.communicate()
        text = out.decode()
        if "Non-2xx" in text:  # counted out of the rate; shown so a broken run does not pass for a slow one
            print(f"[bench] http: failed answers from {url}:\n{text}")
        return parse_wrk(text)

    def _commands(self, territories: list[str]) -> str:
        quoted = ", ".join(f'"{t}"' for t in territories[:COMMAND_CONNECTIONS])
        base = 70_000_000 + self.runs * 500_000  # fresh SIRENs (and keys) in every run
        return COMMANDS % {"territories": quoted, "base": base, "token": TOKEN}

    async def measure_rows(
        self, *, repetitions: int = 3, profile_dir: Path | None = None, warm_up: bool = True
    ) -> list[ScenarioResult]:
        if shutil.which("wrk") is None:
            print("[bench] http: no wrk (`make bench` installs it as root; else apt-get install wrk): skipped")
            return []
        read = ScenarioResult(
            "http-read", "GET /territories (183, token) / minimal FastAPI route answering the same body", 0, None, None
        )
        command = ScenarioResult(
            "http-command",
            "POST EPCI join or leave (Idempotency-Key, one tx + outbox) / minimal route (validates the body)",
            0,
            None,
            None,
        )
        self.dir = Path(tempfile.mkdtemp(prefix="tdi-bench-http-"))
        async with AsyncExitStack() as stack:
            stack.callback(shutil.rmtree, self.dir, ignore_errors=True)
            schema, _ = await stack.enter_async_context(self.w.schema(max_size=1))
            settings = {
                "database_url": self.w.database_url,
                "db_schema": schema,
                "kafka_bootstrap_servers": self.w.bootstrap,
                "start_relay": False,
                "start_consumers": False,
                "start_retention": False,
                "api_tokens": {TOKEN: "staff"},
                "log_level": "WARNING",
            }
            ours = await self._server(stack, "territory", settings)
            async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
                listed = (await client.get(f"{ours}/territories")).json()
            territories = [t["id"] for t in listed["territories"]]
            body = self.dir / "territories.json"  # the minimal route answers the very same body
            body.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
            floor = await self._server(stack, "minimal", str(body))
            runs = [(read, READS, 4, 16), (command, None, COMMAND_CONNECTIONS, COMMAND_CONNECTIONS)]
            paths = {id(read): "/territories", id(command): ""}
            for number in range(repetitions + (1 if warm_up else 0)):
                for row, script, threads, connections in runs:
                    for url, side in ((floor, row.raw), (ours, row.platform)):
                        done, rate = await self._wrk(
                            url + paths[id(row)], script or self._commands(territories), threads, connections
                        )
                        if warm_up and number == 0:
                            continue
                        side.rates.append(rate)
                        if side is row.platform:
                            row.records += done
        for row in (read, command):
            row.raw_records = None
        return [read, command]


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()
