"""The committed AsyncAPI 3 document is the one FastStream generates from the platform broker."""

import importlib.util
from pathlib import Path
from types import ModuleType

import yaml

from tdi_contracts.base import SPECS

CONTRACTS = Path(__file__).resolve().parents[1]
REGENERATE = "run `make generate` and commit contracts/asyncapi.yaml"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_asyncapi", CONTRACTS / "tools" / "gen_asyncapi.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_asyncapi_document_is_up_to_date() -> None:
    committed = (CONTRACTS / "asyncapi.yaml").read_text(encoding="utf-8")
    assert _generator().render_asyncapi() == committed, REGENERATE


def test_the_asyncapi_document_is_version_3_and_covers_every_event_and_command() -> None:
    document = yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert document["asyncapi"] == "3.0.0"
    schemas = set(document["components"]["schemas"])
    assert {spec.model.__name__ for spec in SPECS.values()} <= schemas
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert {topic for spec in SPECS.values() if spec.kind == "event" for topic in spec.topics} <= addresses
    assert {"tdi.partner.bpifrance.funding.v1", "tdi.partner.bpifrance.vte.v1"} <= addresses
    message = next(iter(document["components"]["messages"].values()))
    assert message["correlationId"]["location"] == "$message.header#/ce_correlationid"
