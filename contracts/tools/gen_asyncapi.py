"""Generates contracts/asyncapi.yaml (AsyncAPI 3.0) from a FastStream KafkaBroker declaring every topic.

Run: `uv run --frozen python contracts/tools/gen_asyncapi.py` (no broker connection, no network).
Services may later pass their own broker to `build_platform_broker` to merge their real handlers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from tdi_contracts import __version__
from tdi_contracts.base import SPECS, ContractModel
from tdi_contracts.envelope import HEADER_FIELDS
from tdi_contracts.permissions import PARTNER_COMMANDS
from tdi_contracts.reference import Partner
from tdi_contracts.topics import ALL_TOPICS, INGRESS_SERVICES, partner_ingress_topic, topic_spec

OUTPUT = Path(__file__).resolve().parents[1] / "asyncapi.yaml"
TITLE = "Territoires d'industrie platform"
DESCRIPTION = (
    "Every Kafka topic of the Territoires d'industrie (Temps II, 2023-2027) platform. Attributes travel "
    "as CloudEvents `ce_*` headers (Kafka binding, binary mode), the payload as JSON, the key is the "
    "aggregate's territory id. Partners publish commands on `tdi.partner.<partner>.v1` and read one "
    "answer per event on `tdi.partner.<partner>.feedback.v1`. See contracts/README.md."
)


def _ingress_handler(partner: Partner, models: list[type[ContractModel]]) -> Any:
    async def handle(body: Any) -> None:
        """Documentation stub: the owning service applies the command and answers on the feedback topic."""

    union: Any = models[0]
    for model in models[1:]:
        union = union | model
    handle.__annotations__ = {"body": union, "return": None}
    handle.__name__ = f"ingress_{partner.name.lower()}"
    return handle


def build_platform_broker(broker: KafkaBroker | None = None) -> KafkaBroker:
    """A broker declaring a publisher per (topic, payload type) and a subscriber per partner ingress topic."""
    broker = broker or KafkaBroker("localhost:9092", description="Local stack (deploy/local); ops set their own")
    for type_, spec in sorted(SPECS.items()):
        if spec.kind == "command":
            continue
        for topic in spec.topics:
            broker.publisher(
                topic,
                title=f"{topic}:{spec.name}.v{spec.version}",
                description=f"{type_}: {(spec.model.__doc__ or '').strip()}",
                schema=spec.model,
            )
    for partner in Partner:
        for service in INGRESS_SERVICES:
            models = [SPECS[t].model for t in sorted(PARTNER_COMMANDS[partner]) if SPECS[t].service == service]
            if models:
                topic = partner_ingress_topic(partner, service)
                description = f"{service} commands of {partner.label}"
                broker.subscriber(topic, title=f"{topic}:commands", description=description)(
                    _ingress_handler(partner, models)
                )
    return broker


def _headers_schema() -> dict[str, Any]:
    properties = {name: {"type": "string"} for name in HEADER_FIELDS}
    return {"type": "object", "required": sorted(HEADER_FIELDS), "properties": properties}


def _enrich(document: dict[str, Any]) -> dict[str, Any]:
    """Adds what FastStream does not know: CloudEvents headers, keys, partitions and retention."""
    document.setdefault("components", {}).setdefault("schemas", {})["CloudEventsKafkaHeaders"] = _headers_schema()
    for message in document["components"].get("messages", {}).values():
        message["headers"] = {"$ref": "#/components/schemas/CloudEventsKafkaHeaders"}
        message["correlationId"] = {"location": "$message.header#/ce_correlationid"}
        message["bindings"] = {"kafka": {"key": {"type": "string"}, "bindingVersion": "0.4.0"}}
    for channel in document.get("channels", {}).values():
        spec = topic_spec(channel["address"])
        kafka = channel.setdefault("bindings", {}).setdefault("kafka", {})
        kafka["partitions"] = spec.partitions
        kafka["topicConfiguration"] = {
            "cleanup.policy": [spec.cleanup_policy],
            "retention.ms": spec.retention_ms,
            "retention.bytes": spec.retention_bytes,
            "max.message.bytes": spec.max_message_bytes,
        }
    document["info"]["x-topics"] = [t.name for t in ALL_TOPICS]
    return document


def render_asyncapi() -> str:
    """The AsyncAPI 3.0 document as deterministic YAML."""
    spec = AsyncAPI(
        build_platform_broker(),
        title=TITLE,
        version=__version__,
        description=DESCRIPTION,
        schema_version="3.0.0",
    )
    document = _enrich(spec.to_specification().to_jsonable())
    return yaml.safe_dump(document, sort_keys=True, allow_unicode=True, width=100)


def main() -> int:
    """Write contracts/asyncapi.yaml."""
    OUTPUT.write_text(render_asyncapi(), encoding="utf-8")
    sys.stderr.write(f"wrote {OUTPUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
