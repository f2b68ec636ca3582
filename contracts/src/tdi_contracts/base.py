"""Base of every payload model, and the registry naming each one with its CloudEvents type and topics."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "fr.territoires-industrie"
TYPE_PATTERN = re.compile(r"^fr\.territoires-industrie\.([a-z]+)\.([A-Z][A-Za-z0-9]+)\.v([1-9][0-9]*)$")
"""`fr.territoires-industrie.<service>.<Name>.v<major>`: fr.territoires-industrie.funding.GrantCommitted.v1"""

Kind = Literal["event", "command"]


class ContractModel(BaseModel):
    """A payload: strict types (no float money, no "12" for 12), immutable, tolerant of unknown fields.

    Unknown fields are ignored so that adding an optional field never breaks an old reader.
    """

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore", str_max_length=4000)


C = TypeVar("C", bound=ContractModel)


@dataclass(frozen=True)
class ContractSpec:
    """How one payload model travels: its type string, kind, topics, and which fields give subject and key."""

    model: type[ContractModel]
    service: str
    name: str
    version: int
    kind: Kind
    topics: tuple[str, ...]
    subject_field: str
    key_field: str

    @property
    def type(self) -> str:
        """The CloudEvents `type` attribute, also the name of the payload's JSON Schema file."""
        return f"{TYPE_PREFIX}.{self.service}.{self.name}.v{self.version}"

    def subject_of(self, payload: ContractModel) -> str:
        """The CloudEvents subject: the id of the aggregate the payload is about."""
        return str(getattr(payload, self.subject_field))

    def key_of(self, payload: ContractModel) -> str | None:
        """The Kafka key: the territory id for everything that belongs to a territory."""
        value = getattr(payload, self.key_field)
        return None if value is None else str(value)


SPECS: dict[str, ContractSpec] = {}
"""Every registered payload by type string; filled as the events modules are imported."""
MODELS: dict[str, type[BaseModel]] = {}
"""Type string -> payload model, kept in step with SPECS (published as EVENT_TYPES)."""


def contract(
    *,
    service: str,
    topics: tuple[str, ...],
    subject: str,
    key: str = "territory_id",
    kind: Kind = "event",
    version: int = 1,
    name: str | None = None,
) -> Callable[[type[C]], type[C]]:
    """Class decorator registering a payload model under its type string."""

    def register(model: type[C]) -> type[C]:
        for field in (subject, key):
            if field not in model.model_fields:
                raise TypeError(f"{model.__name__} has no field {field!r} for subject or key")
        spec = ContractSpec(model, service, name or model.__name__, version, kind, topics, subject, key)
        if spec.type in SPECS:
            raise TypeError(f"{spec.type} is registered twice")
        SPECS[spec.type] = spec
        MODELS[spec.type] = model
        return model

    return register
