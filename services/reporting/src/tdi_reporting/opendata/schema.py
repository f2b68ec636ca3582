"""A dataset of the open data, its columns, and the Table Schema (frictionless) derived from them, in the form of
the schemas of schema.data.gouv.fr: French descriptions, types, patterns of INSEE and SIREN codes, licence, producer,
date and version. One definition gives both the files' columns and their descriptor, so they cannot drift."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tdi_reporting.visibility import PUBLIC, reaches, withheld

SCHEMA_VERSION = "1.0.0"
SCHEMA_DATE = "2026-12-06"
"""Version and date of the columns below: change both when a column changes (a new file shape for the readers)."""
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
TABLE_SCHEMA = "https://frictionlessdata.io/schemas/table-schema.json"
LIST_SEPARATOR = ";"
"""Several values in one cell (the départements of a territory): the convention of schema.data.gouv.fr."""


class Kind(StrEnum):
    """What a column holds, and so its Table Schema type and how a file writes it."""

    TEXT = "text"  # a name: neutralised for spreadsheets
    CODE = "code"  # an INSEE, SIREN or platform code: text, never a number ("01", "2A")
    CODES = "codes"  # several codes, `;`-separated
    COUNT = "count"  # a whole number >= 0
    EUROS = "euros"  # integer cents in the rows, euros with a dot in the files ("1234.56")
    FLAG = "flag"  # true / false
    DAY = "day"  # ISO 8601 date
    INSTANT = "instant"  # ISO 8601 instant in UTC


TYPES = {
    Kind.TEXT: "string",
    Kind.CODE: "string",
    Kind.CODES: "string",
    Kind.COUNT: "integer",
    Kind.EUROS: "number",
    Kind.FLAG: "boolean",
    Kind.DAY: "date",
    Kind.INSTANT: "datetime",
}


@dataclass(frozen=True)
class Column:
    """One column: its name in the files, its French title and description, and, for a figure, the read-model
    column it comes from (so the visibility rule decides whether the public gets it)."""

    name: str
    kind: Kind
    title: str
    description: str
    example: str
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    required: bool = True
    source: tuple[str, str] | None = None

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "example": self.example,
            "type": TYPES[self.kind],
        }
        if self.kind is Kind.FLAG:
            out |= {"trueValues": ["true"], "falseValues": ["false"]}
        constraints: dict[str, Any] = {"required": self.required}
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.kind is Kind.COUNT:
            constraints["minimum"] = 0
        return out | {"constraints": constraints}


@dataclass(frozen=True)
class Dataset:
    """One file of the open data (in three forms: `,` CSV, `;` CSV, XLSX) and its Table Schema."""

    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    build: Callable[[Any], list[dict[str, Any]]] = field(compare=False)
    models: frozenset[str] = frozenset()
    """The read models its rows are aggregated from (empty: the territory lists)."""
    updated: str | None = None
    """The column `updated_since` filters on (None: not a list, figures are recomputed at each change)."""

    @property
    def stem(self) -> str:
        """The file name without its date: `territoires-d-industrie`, `territoires-d-industrie-communes`…"""
        rest = self.slug.removeprefix("territoires").strip("-")
        return "territoires-d-industrie" + (f"-{rest}" if rest else "")

    @property
    def published(self) -> tuple[Column, ...]:
        """The columns the public gets: a figure's column is left out when the visibility rule withholds it from
        the anonymous public (`visibility.PUBLIC`), or its whole read model."""
        return tuple(c for c in self.columns if c.source is None or _public(*c.source))


def _public(model: str, column: str) -> bool:
    return reaches(PUBLIC, model) and column not in withheld(model, PUBLIC)


def table_schema(dataset: Dataset, producer: str, homepage: str | None = None) -> dict[str, Any]:
    """The dataset's Table Schema, as on schema.data.gouv.fr."""
    out: dict[str, Any] = {
        "$schema": TABLE_SCHEMA,
        "name": dataset.stem,
        "title": dataset.title,
        "description": dataset.description,
        "countryCode": "FR",
        "keywords": ["territoires d'industrie", "industrie", "ANCT", "EPCI"],
        "licenses": [LICENCE],
        "contributors": [{"title": producer, "role": "author"}],
        "created": SCHEMA_DATE,
        "lastModified": SCHEMA_DATE,
        "version": SCHEMA_VERSION,
        "fields": [c.descriptor() for c in dataset.published],
        "missingValues": [""],
        "primaryKey": list(dataset.primary_key),
    }
    if homepage:
        out["homepage"] = homepage
    return out


def anchored_list(pattern: str) -> str:
    """A pattern of several `;`-separated values (or none) from the anchored pattern of one value."""
    one = pattern.removeprefix("^").removesuffix("$")
    return f"^(?:(?:{one})(?:{LIST_SEPARATOR}(?:{one}))*)?$"


def names(columns: Sequence[Column]) -> list[str]:
    return [c.name for c in columns]
