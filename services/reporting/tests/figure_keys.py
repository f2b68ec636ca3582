"""Reads a figure of `GET /api/figures` by the key the report's XLSX gives it (`cle_api`), independently of the
report's code: `a.b`, `list[field=value].measure`, `sum(list[field=value].measure)`; a map zone absent is 0."""

from __future__ import annotations

import re
from typing import Any

_ITEM = re.compile(r"^(\w+)\[(\w+)=([^\]]*)\]\.(\w+)$")


def figure_at(figures: dict[str, Any], key: str) -> Any:
    if key.startswith("sum(") and key.endswith(")"):
        name, field, value, measure = _ITEM.match(key[4:-1]).groups()  # type: ignore[union-attr]
        return sum(r[measure] for r in figures[name] if str(r[field] or "") == value)
    if m := _ITEM.match(key):
        name, field, value, measure = m.groups()
        (row,) = [r for r in figures[name] if str(r[field] or "") == value]
        return row[measure]
    node: Any = figures
    parts = key.split(".")
    for i, part in enumerate(parts):
        if parts[0] == "carte" and part not in node:
            return 0 if i == len(parts) - 1 or i == 2 else None  # the map lists the zones it has figures for
        node = node[part]
    return node
