"""From CloudEvents type strings to payload models; importing this module loads every payload module."""

from pydantic import BaseModel

from .base import MODELS, SPECS, TYPE_PATTERN, ContractModel, ContractSpec
from .errors import ContractViolation, ErrorCode
from .events import actions, funding, partners, platform, reporting, territory, vte
from .quoting import quote

LOADED_MODULES = (actions, funding, partners, platform, reporting, territory, vte)
"""The payload modules; importing them registered every payload (kept here so the import is explicit)."""

EVENT_TYPES: dict[str, type[BaseModel]] = MODELS
"""Every payload model, events and commands, by type string: fr.territoires-industrie.vte.VteAidPaid.v1."""
COMMAND_TYPES = frozenset(type_ for type_, spec in SPECS.items() if spec.kind == "command")
"""The type strings partners may publish on their ingress topics."""


def spec_for(item: str | type[ContractModel] | ContractModel) -> ContractSpec:
    """The registration of a payload, by type string, model class or instance."""
    if isinstance(item, str):
        payload_model_for(item)
        return SPECS[item]
    model = item if isinstance(item, type) else type(item)
    for spec in SPECS.values():
        if spec.model is model:
            return spec
    raise KeyError(f"{model.__name__} is not a registered payload (decorate it with @contract)")


def payload_model_for(type_: str) -> type[ContractModel]:
    """The payload model of a type; ContractViolation UNKNOWN_EVENT_TYPE or SCHEMA_VERSION_UNSUPPORTED."""
    spec = SPECS.get(type_)
    if spec is not None:
        return spec.model
    match = TYPE_PATTERN.match(type_)
    if match:
        served = sorted(s.type for s in SPECS.values() if (s.service, s.name) == (match[1], match[2]))
        if served:
            raise ContractViolation(
                ErrorCode.SCHEMA_VERSION_UNSUPPORTED, f"Reçu : {quote(type_)} ; servi(s) : {', '.join(served)}."
            )
    raise ContractViolation(ErrorCode.UNKNOWN_EVENT_TYPE, f"Reçu : {quote(type_)}.")


def types_on_topic(topic: str) -> tuple[str, ...]:
    """Every type that may travel on a topic, sorted."""
    return tuple(sorted(type_ for type_, spec in SPECS.items() if topic in spec.topics))
