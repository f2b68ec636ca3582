"""FULL_TRANSITIVE compatibility of JSON Schemas, for the subset pydantic emits (pure, no I/O).

FULL: a new reader reads every old event (backward) and an old reader reads every new event (forward).
Readers ignore unknown fields, so the only change allowed is adding an optional field (with a default);
a removed field, a type change, an enum value added or removed, or a changed constraint is breaking.
"""

from collections.abc import Sequence
from typing import Any

from .json_schema import Schema, field_paths, normalize

__all__ = ["field_paths", "full_issues", "full_transitive_issues", "normalize", "reader_issues"]
UPPER = ("maxLength", "maximum", "exclusiveMaximum", "maxItems")
LOWER = ("minLength", "minimum", "exclusiveMinimum", "minItems")
HANDLED = {"type", "anyOf", "enum", "const", "properties", "required", "items", "default", "pattern"}
HANDLED |= {"format", "uniqueItems", "additionalProperties", *UPPER, *LOWER}


def reader_issues(reader: Any, writer: Any, path: str = "$") -> list[str]:
    """Why some instance valid under `writer` may be refused by `reader` (empty when none)."""
    if reader == writer or reader == {}:
        return []
    if "anyOf" in writer:
        return [issue for branch in writer["anyOf"] for issue in reader_issues(reader, branch, path)]
    if "anyOf" in reader:
        tries = [reader_issues(branch, writer, path) for branch in reader["anyOf"]]
        return [] if any(not t for t in tries) else min(tries, key=len)
    rtype, wtype = reader.get("type"), writer.get("type")
    if rtype != wtype and not (rtype == "number" and wtype == "integer"):
        return [f"{path}: type changed ({wtype} -> {rtype})"]
    issues = _keyword_issues(reader, writer, path)
    if rtype == "object":
        issues += _object_issues(reader, writer, path)
    if rtype == "array" and "items" in reader:
        issues += reader_issues(reader["items"], writer.get("items", {}), f"{path}[]")
    return issues


def _keyword_issues(reader: Schema, writer: Schema, path: str) -> list[str]:
    issues = []
    if "enum" in reader:
        unknown = [v for v in writer.get("enum", [None]) if v not in reader["enum"]]
        if unknown or "enum" not in writer:
            issues.append(f"{path}: enum values unknown to the reader: {unknown or 'any'}")
    for key in ("const", "pattern", "format"):
        if key in reader and reader[key] != writer.get(key):
            issues.append(f"{path}: {key} changed ({writer.get(key)!r} -> {reader[key]!r})")
    for key in UPPER:
        if key in reader and (key not in writer or writer[key] > reader[key]):
            issues.append(f"{path}: {key} narrowed ({writer.get(key)} -> {reader[key]})")
    for key in LOWER:
        if key in reader and (key not in writer or writer[key] < reader[key]):
            issues.append(f"{path}: {key} narrowed ({writer.get(key)} -> {reader[key]})")
    if reader.get("uniqueItems") and not writer.get("uniqueItems"):
        issues.append(f"{path}: uniqueItems now required")
    for key in sorted((set(reader) | set(writer)) - HANDLED):
        if reader.get(key) != writer.get(key):
            issues.append(f"{path}: {key} changed (not understood by the checker: treated as breaking)")
    return issues


def _object_issues(reader: Schema, writer: Schema, path: str) -> list[str]:
    issues = []
    rprops, wprops = reader.get("properties", {}), writer.get("properties", {})
    rreq, wreq = set(reader.get("required", [])), set(writer.get("required", []))
    for name, rprop in rprops.items():
        where = f"{path}.{name}"
        if name in rreq and name not in wreq:
            issues.append(f"{where}: required by the reader but may be absent from events")
        if name in wprops:
            issues += reader_issues(rprop, wprops[name], where)
            if name not in rreq and name not in wreq and rprop.get("default") != wprops[name].get("default"):
                issues.append(f"{where}: default changed")
    if reader.get("additionalProperties") is False:
        issues += [f"{path}.{name}: unknown to a closed reader" for name in wprops if name not in rprops]
    elif isinstance(reader.get("additionalProperties"), dict):
        issues += reader_issues(reader["additionalProperties"], writer.get("additionalProperties", {}), path)
    return issues


def full_issues(old: Schema, new: Schema) -> list[str]:
    """FULL compatibility of one old schema with the new one; each issue says which reader it breaks."""
    before, after = normalize(old), normalize(new)
    issues = [f"removed field {p}" for p in sorted(field_paths(before) - field_paths(after))]
    issues += [f"old events no longer valid for the new reader: {i}" for i in reader_issues(after, before)]
    issues += [f"new events refused by old readers: {i}" for i in reader_issues(before, after)]
    return issues


def full_transitive_issues(history: Sequence[Schema], new: Schema) -> list[str]:
    """FULL_TRANSITIVE: the new schema against every earlier version, not only the latest."""
    return [f"v#{i + 1}: {issue}" for i, old in enumerate(history) for issue in full_issues(old, new)]
