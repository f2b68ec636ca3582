"""The cluster harness's load balancer: one address per service in front of its instances, as a Kubernetes Service.

Round-robin per TCP connection (the suite's HTTP client opens one per request) over the instances whose `/readyz`
answered 200 at the last check (every `period_s`, as a readiness probe); an instance that refuses the connection is
skipped for the next one. When no instance is ready (a broker or the database away makes every `/readyz` 503),
every instance is tried: its own 503 `Retry-After` then reaches the client, which retries with its
Idempotency-Key. A connection accepted and then cut (an instance killed mid-request) reaches the client as such.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field

from tdi_localstack.ports import free_port

READINESS_PERIOD_S = 0.5


@dataclass
class Backend:
    name: str
    port: int
    ready: bool = False


@dataclass
class Pool:
    service: str
    port: int
    backends: list[Backend]
    turn: itertools.count[int] = field(default_factory=itertools.count)

    def order(self) -> list[Backend]:
        """Ready backends first, from the next one in turn; the others after them."""
        start = next(self.turn)
        rotated = [self.backends[(start + k) % len(self.backends)] for k in range(len(self.backends))]
        return [b for b in rotated if b.ready] + [b for b in rotated if not b.ready]


class Balancer:
    """`Balancer({"funding": {"funding/1": 8101, "funding/2": 8102}}).start()`; `url(service)`; `stop()`."""

    def __init__(self, services: dict[str, dict[str, int]], period_s: float = READINESS_PERIOD_S) -> None:
        self.pools = {
            service: Pool(service, free_port(), [Backend(name, port) for name, port in sorted(instances.items())])
            for service, instances in services.items()
        }
        self.period_s = period_s
        self.served: Counter[str] = Counter()  # connections handed to each instance
        self.refused: Counter[str] = Counter()  # connections no instance took
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="balancer", daemon=True)
        self._servers: list[asyncio.Server] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._live: set[asyncio.Task[None]] = set()

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.pools[service].port}"

    def ready(self, name: str) -> bool:
        return any(b.ready for pool in self.pools.values() for b in pool.backends if b.name == name)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)

    async def _start(self) -> None:
        for pool in self.pools.values():
            server = await asyncio.start_server(
                functools.partial(self._accept, pool), "127.0.0.1", pool.port, reuse_address=True
            )
            self._servers.append(server)
            for backend in pool.backends:
                self._tasks.append(asyncio.create_task(self._probe(backend)))

    def _accept(self, pool: Pool, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Each connection's task held until it ends (asyncio drops its own reference once the client is gone)."""
        task = asyncio.get_running_loop().create_task(self._proxy(pool, reader, writer))
        self._live.add(task)
        task.add_done_callback(self._live.discard)

    async def _probe(self, backend: Backend) -> None:
        while True:
            backend.ready = await _answers_200(backend.port, "/readyz")
            await asyncio.sleep(self.period_s)

    async def _proxy(self, pool: Pool, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        for backend in pool.order():
            try:
                server_r, server_w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", backend.port), 5)
            except (OSError, TimeoutError):
                backend.ready = False
                continue
            self.served[backend.name] += 1
            await asyncio.gather(_pipe(client_r, server_w), _pipe(server_r, client_w))
            server_w.close()
            client_w.close()
            return
        self.refused[pool.service] += 1
        client_w.close()

    def stop(self) -> None:
        """Every probe and connection task cancelled and awaited inside the loop, then the loop stopped and closed:
        a task left pending would be collected later, in another test, as an 'Event loop is closed' error."""

        async def _stop() -> None:
            for server in self._servers:
                server.close()
            tasks = [*self._tasks, *self._live]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            writer.write_eof()  # half-close: the other side reads what was sent, then the end


async def _answers_200(port: int, path: str) -> bool:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2)
    except (OSError, TimeoutError):
        return False
    try:
        writer.write(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 3)
        return status.split(b" ")[1:2] == [b"200"]
    except (OSError, TimeoutError, IndexError):
        return False
    finally:
        writer.close()
