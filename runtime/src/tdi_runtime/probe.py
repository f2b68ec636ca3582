"""A probe service for reliability tests and benchmarks: the real service wiring, one trivial handler.

`python -m tdi_runtime.probe --group G --topic T --schema S` serves it (SIGTERM stops it gracefully).
"""

from __future__ import annotations

import argparse

from fastapi import FastAPI

from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.testing import PROBE_TYPE, apply_probe


def create_probe_app(settings: ServiceSettings, group: str, topics: list[str]) -> FastAPI:
    spec = ConsumerSpec(group=group, topics=topics, handlers={PROBE_TYPE: apply_probe})
    return create_service_app(settings, title="probe", description="Reliability probe", consumers=[spec])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--group", required=True)
    parser.add_argument("--topic", action="append", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    from tdi_runtime.serve import serve

    settings = ServiceSettings.for_service("probe", db_schema=args.schema, http_port=args.port)
    serve(lambda s: create_probe_app(s, args.group, args.topic), settings)


if __name__ == "__main__":
    main()
