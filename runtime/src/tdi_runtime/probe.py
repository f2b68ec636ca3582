"""A probe service for reliability tests and benchmarks: the real service wiring, one trivial handler.

`python -m tdi_runtime.probe --group G --topic T --schema S [--emit-to T2]` serves it (SIGTERM stops it
gracefully). With `--emit-to`, each applied event is also announced again on T2 through the outbox and the relay,
so two probes make a chain of services (what the trace export test follows).
"""

from __future__ import annotations

import argparse

from fastapi import FastAPI

from tdi_contracts.events.territory import EpciJoined
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline.uow import UnitOfWork, plain_unit_of_work
from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.testing import TEST_TOPICS, ProbeHandler, apply_probe, probe_registry


def create_probe_app(settings: ServiceSettings, group: str, topics: list[str], emit_to: str | None = None) -> FastAPI:
    handler: ProbeHandler = apply_probe
    if emit_to is not None:

        async def apply_and_announce(event: EpciJoined, uow: UnitOfWork) -> None:
            await apply_probe(event, uow)
            uow.emit(event, topic=emit_to)

        handler = apply_and_announce
    spec = ConsumerSpec(group=group, topics=topics, registry=probe_registry(handler))
    app = create_service_app(
        settings,
        title="probe",
        description="Reliability probe",
        consumers=[spec],
        uow=plain_unit_of_work("territory"),  # it stands for the territory service: what it emits is territory's
    )
    app.state.runtime.outbox = Outbox(settings.relay_shards, TEST_TOPICS)  # tests' topics, read by the relay at start
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--group", required=True)
    parser.add_argument("--topic", action="append", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--emit-to", default=None, help="announce each applied event again on this topic")
    args = parser.parse_args()
    from tdi_runtime.serve import serve

    settings = ServiceSettings.for_service("probe", db_schema=args.schema, http_port=args.port)
    serve(lambda s: create_probe_app(s, args.group, args.topic, args.emit_to), settings)


if __name__ == "__main__":
    main()
