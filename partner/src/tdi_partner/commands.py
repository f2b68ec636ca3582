"""Commands read from a file (JSON, JSONL or CSV) and validated against the contracts before anything is sent.

Each line becomes a `Command`: the validated payload ready to send, or the French reasons it cannot be sent.
The event id is derived from the partner, the type and the payload, so sending the same file again is
harmless: the platform recognises the ids and answers the same way instead of applying anything twice.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tdi_contracts.base import SPECS, ContractModel
from tdi_contracts.field_errors import field_errors
from tdi_contracts.permissions import may_publish
from tdi_contracts.reference import Partner

_IDS = uuid.UUID("6a0f3f7e-3b1e-4f51-9a53-0c1d2e3f4a5b")


@dataclass
class Command:
    """One command of a file: where it came from, and either its payload or why it is refused."""

    line: int
    type: str
    event_id: str = ""
    payload: ContractModel | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.payload is not None and not self.errors


def command_types(partner: Partner) -> list[str]:
    """The command types this partner may publish."""
    return sorted(t for t in SPECS if SPECS[t].kind == "command" and may_publish(partner, t))


def _event_id(partner: Partner, type_: str, payload: ContractModel) -> str:
    return str(uuid.uuid5(_IDS, f"{partner.value}|{type_}|{payload.model_dump_json()}"))


def validate(partner: Partner, line: int, type_: str, values: Any, event_id: str | None = None) -> Command:
    """The command of one line, validated as the platform will validate it (wire form, partner rights)."""
    command = Command(line, type_)
    spec = SPECS.get(type_)
    if spec is None or spec.kind != "command":
        command.errors.append(f"Type de commande inconnu : {type_}.")
        return command
    if not may_publish(partner, type_):
        command.errors.append(f"Le partenaire {partner.value} n'est pas habilité à publier {spec.name}.")
    if not isinstance(values, dict):
        command.errors.append("La ligne doit être un objet JSON (un champ par propriété).")
        return command
    try:
        command.payload = spec.model.model_validate_json(json.dumps(values, ensure_ascii=False))
    except ValidationError as exc:
        command.errors += [f"{e.path} : {e.message}" for e in field_errors(exc)]
        return command
    command.event_id = event_id or _event_id(partner, type_, command.payload)
    return command


def _json_lines(text: str) -> Iterator[tuple[int, Any]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        for i, item in enumerate(json.loads(stripped), start=1):
            yield i, item
        return
    if stripped.startswith("{") and "\n{" not in stripped.strip():
        yield 1, json.loads(stripped)
        return
    for i, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            yield i, json.loads(raw)


def _schema_types(type_: str) -> dict[str, set[str]]:
    """JSON types each payload field accepts, to turn CSV text cells into the right JSON values."""
    schema = SPECS[type_].model.model_json_schema()
    types: dict[str, set[str]] = {}
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        found = {o.get("type") for o in options if o.get("type")}
        if any("$ref" in o for o in options):
            found.add("object-or-enum")
        types[name] = {t for t in found if t != "null"} or {"string"}
    return types


def _cell(text: str, accepted: set[str]) -> Any:
    if accepted & {"integer", "number"} and "string" not in accepted:
        try:
            return int(text)
        except ValueError:
            return text  # refused by the contract with its own message
    if "boolean" in accepted:
        return text.strip().lower() in {"true", "1", "oui", "vrai"}
    if accepted & {"array", "object"}:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text


def _csv_rows(text: str, type_: str) -> Iterator[tuple[int, Any]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    types = _schema_types(type_)
    for i, row in enumerate(csv.DictReader(io.StringIO(text), delimiter=delimiter), start=2):
        yield i, {k: _cell(v, types.get(k, {"string"})) for k, v in row.items() if k and v not in (None, "")}


def read_commands(partner: Partner, path: Path, type_: str | None) -> list[Command]:
    """Every command of a .json, .jsonl or .csv file (UTF-8, BOM accepted), each validated.

    JSON lines are either a payload (then `type_` names the command) or `{"type", "payload", "id"?}`.
    """
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        if type_ is None:
            return [Command(0, "", errors=["Un fichier CSV ne contient qu'un type de commande : précisez --type."])]
        return [validate(partner, i, type_, values) for i, values in _csv_rows(text, type_)]
    commands = []
    for i, item in _json_lines(text):
        if isinstance(item, dict) and "payload" in item and "type" in item:
            commands.append(validate(partner, i, str(item["type"]), item["payload"], item.get("id")))
        elif type_ is None:
            commands.append(Command(i, "", errors=["Le type de commande manque : champ « type » ou --type."]))
        else:
            commands.append(validate(partner, i, type_, item))
    return commands
