"""Normalised JSON Schemas: local $refs resolved, annotations dropped, field paths listed (pure)."""

from typing import Any

Schema = dict[str, Any]
ANNOTATIONS = {"title", "description", "examples", "$comment", "deprecated", "$id", "$schema", "$defs"}


def normalize(schema: Schema, root: Schema | None = None) -> Any:
    """Resolve local $refs and drop annotations (titles, descriptions, examples, x- extensions)."""
    root = schema if root is None else root
    if isinstance(schema, list):
        return [normalize(item, root) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return normalize({**target, **{k: v for k, v in schema.items() if k != "$ref"}}, root)
    out = {
        k: (v if k in ("default", "enum", "const") else normalize(v, root))
        for k, v in schema.items()
        if k not in ANNOTATIONS and not k.startswith("x-") and k != "properties"
    }
    if isinstance(schema.get("properties"), dict):  # field names are data, even one called "title"
        out["properties"] = {name: normalize(prop, root) for name, prop in schema["properties"].items()}
    return out


def field_paths(schema: Any, path: str = "$") -> set[str]:
    """Every property path of a normalized schema (through nested objects, arrays and anyOf)."""
    if not isinstance(schema, dict):
        return set()
    paths: set[str] = set()
    for branch in schema.get("anyOf", []):
        paths |= field_paths(branch, path)
    if "items" in schema:
        paths |= field_paths(schema["items"], f"{path}[]")
    for name, prop in schema.get("properties", {}).items():
        paths |= {f"{path}.{name}"} | field_paths(prop, f"{path}.{name}")
    return paths
