"""A producer for relay tests: the broker's acknowledgements reach the relay when the test says so."""

from __future__ import annotations

import asyncio
from typing import Any


class HeldAcks:
    """A real producer whose acknowledgements reach the relay only once `release()` is called."""

    def __init__(self, producer: Any) -> None:
        self.producer = producer
        self.released = asyncio.Event()
        self.sent = 0
        self.on_first_send: Any = None

    async def partitions_for(self, topic: str) -> Any:
        return await self.producer.partitions_for(topic)

    async def send(self, topic: str, **kwargs: Any) -> asyncio.Future[Any]:
        if self.sent == 0 and self.on_first_send is not None:
            await self.on_first_send()
        self.sent += 1
        acked = await self.producer.send(topic, **kwargs)

        async def after_release() -> Any:
            result = await acked
            await self.released.wait()
            return result

        return asyncio.ensure_future(after_release())

    def release(self) -> None:
        self.released.set()
