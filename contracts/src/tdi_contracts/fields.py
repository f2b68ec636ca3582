"""Constrained field types shared by payloads: short labels, French sentences, UTC instants, unique lists."""

import re
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints
from pydantic_core import PydanticCustomError

T = TypeVar("T")

_PRINTABLE_TRIMMED = r"^[^\s\x00-\x1f](?:[^\x00-\x1f]*[^\s\x00-\x1f])?$"

Label = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_PRINTABLE_TRIMMED)]
"""A name or title: 1 to 200 printable characters, no leading or trailing space."""
FrenchSentence = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=_PRINTABLE_TRIMMED)]
"""A human sentence in French, at most 500 characters."""

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""What no text may hold: NUL and the other C0 controls but TAB, LF and CR, DEL, the C1 range, and lone
surrogates (not Unicode text: PostgreSQL cannot store them)."""


def _no_control_character(value: str) -> str:
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        character, position = f"U+{ord(found.group()):04X}", found.start() + 1
        raise PydanticCustomError(
            "control_character",
            "forbidden character {character} at position {position}",
            {"character": character, "position": position},
        )
    return value


FreeText = Annotated[
    str,
    AfterValidator(_no_control_character),
    Field(json_schema_extra={"pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"}),
]
"""A free text (a description): several lines and tabs allowed, no control character (`CONTROL_CHARACTERS`).
Give it its length where it is used: `Annotated[FreeText, Field(max_length=4000)]`."""


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


TOKEN_PATTERN = r"^[!-~]{1,128}$"  # noqa: S105 - an identifier's shape, not a secret
TYPE_NAME_PATTERN = r"^[!-~]{1,200}$"
Token = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]
"""An identifier that travels in a Kafka header: 1 to 128 printable ASCII characters, no space."""
TypeName = Annotated[str, StringConstraints(pattern=TYPE_NAME_PATTERN)]
"""A CloudEvents type as received (it may be unknown to the platform)."""


def is_token(value: str | None) -> bool:
    """Whether `value` may be a `Token` (and so travel in a header or an answer)."""
    return value is not None and re.fullmatch(TOKEN_PATTERN, value) is not None


def is_type_name(value: str | None) -> bool:
    return value is not None and re.fullmatch(TYPE_NAME_PATTERN, value) is not None


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_as_utc)]
"""A timezone-aware instant, normalised to UTC (serialised with a trailing Z)."""


def _unique(items: list[T]) -> list[T]:
    seen: list[T] = []
    for item in items:
        if item in seen:
            raise PydanticCustomError("unique_items", "{item} appears twice", {"item": str(item)})
        seen.append(item)
    return items


UniqueList = Annotated[list[T], AfterValidator(_unique), Field(json_schema_extra={"uniqueItems": True})]
"""A list whose items are all different (JSON Schema uniqueItems); its order is kept on the wire."""
