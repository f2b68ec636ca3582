"""Hypothesis strategies drawing JSON documents valid for a payload's JSON Schema (pydantic's subset)."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from tdi_contracts.compat import normalize
from tdi_contracts.ids import luhn_is_valid

MAX_TEXT = 40


def _luhn_number(length: int) -> st.SearchStrategy[str]:
    def complete(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_is_valid(prefix + d))

    return st.text("0123456789", min_size=length - 1, max_size=length - 1).map(complete)


_OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-4))])
_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date": st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(date.isoformat),
    "date-time": st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1), timezones=_OFFSETS).map(datetime.isoformat),
    "uuid": st.uuids().map(str),
    "siren": _luhn_number(9),
    "siret": _luhn_number(14),
}


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    low, high = schema.get("minLength", 0), min(schema.get("maxLength", MAX_TEXT), MAX_TEXT)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: low <= len(s) <= high)
    return st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=low, max_size=high)


def _integer(schema: dict[str, Any]) -> st.SearchStrategy[int]:
    low = schema.get("minimum", schema.get("exclusiveMinimum", -(10**12) - 1) + 1)
    high = schema.get("maximum", schema.get("exclusiveMaximum", 10**12 + 1) - 1)
    return st.integers(low, high)


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {k: json_values(v) for k, v in properties.items() if k in required},
        optional={k: json_values(v) for k, v in properties.items() if k not in required},
    )


def json_values(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """JSON values valid for a normalized schema ($refs resolved)."""
    if "anyOf" in schema:
        return st.one_of([json_values(branch) for branch in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "array":
        items = json_values(schema.get("items", {}))
        low, high = schema.get("minItems", 0), min(schema.get("maxItems", 4), 4)
        unique_by = (lambda v: json.dumps(v, sort_keys=True)) if schema.get("uniqueItems") else None
        return st.lists(items, min_size=low, max_size=max(low, high), unique_by=unique_by)
    simple = {"string": _string, "integer": _integer, "object": _object}
    if kind in simple:
        return simple[kind](schema)
    return {"boolean": st.booleans(), "null": st.none()}.get(kind, st.none())


def documents(model: Any) -> st.SearchStrategy[dict[str, Any]]:
    """JSON documents (dicts) valid for a payload model."""
    return _object(normalize(model.model_json_schema()))
