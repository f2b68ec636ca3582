"""Turns pydantic validation errors into field-level reasons in French, for partners."""

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import FieldError
from .quoting import quote

_KINDS = {"float": "un nombre décimal", "bool": "un booléen", "str": "une chaîne de caractères"}
_BAD_INSTANT = "Horodatage invalide : ISO 8601 avec fuseau attendu (ex. 2024-01-15T09:30:00Z)."
_MESSAGES = {
    "missing": "Champ obligatoire absent.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "bool_type": "Un booléen (true ou false) est attendu.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_long": "Texte trop long : {max_length} caractères au plus.",
    "string_too_short": "Texte trop court : au moins {min_length} caractère(s).",
    "string_pattern_mismatch": "Format invalide : le motif attendu est {pattern}.",
    "enum": "Valeur inconnue ; valeurs admises : {expected}.",
    "literal_error": "Valeur inconnue ; valeurs admises : {expected}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "too_long": "Trop d'éléments : {max_length} au plus.",
    "too_short": "Pas assez d'éléments : au moins {min_length}.",
    "list_type": "Une liste est attendue.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "uuid_type": "Un identifiant UUID est attendu.",
    "uuid_parsing": "Identifiant UUID invalide.",
    "date_type": "Une date au format AAAA-MM-JJ est attendue.",
    "date_parsing": "Date invalide : format AAAA-MM-JJ attendu.",
    "date_from_datetime_parsing": "Date invalide : format AAAA-MM-JJ attendu.",
    "datetime_type": "Un horodatage ISO 8601 avec fuseau est attendu (ex. 2024-01-15T09:30:00Z).",
    "datetime_parsing": _BAD_INSTANT,
    "datetime_from_date_parsing": _BAD_INSTANT,
    "timezone_aware": "L'horodatage doit préciser son fuseau horaire (ex. 2024-01-15T09:30:00Z).",
    "siren_checksum": "Numéro SIREN {value} invalide : la clé de contrôle (Luhn) est fausse.",
    "siret_checksum": "Numéro SIRET {value} invalide : la clé de contrôle (Luhn) est fausse.",
    "unique_items": "Valeur en double : {item}.",
    "json_invalid": "Document JSON invalide : {error}.",
    "control_character": "Caractère de contrôle interdit ({char}) : ce texte ne peut pas en contenir.",
}
MAX_SENTENCE = 500


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", text)).strip() or "Valeur invalide."
    return text if len(text) <= MAX_SENTENCE else text[: MAX_SENTENCE - 1].rstrip() + "…"


def french_message(error: ErrorDetails) -> str:
    """A French sentence for one pydantic error, naming the rule; pydantic's English text as a fallback."""
    context = dict(error.get("ctx") or {})
    if error["type"] == "money_not_integer_cents":
        kind = _KINDS.get(str(context.get("kind")), "une valeur non entière")
        return _sentence(f"Montant en centimes d'euro : un entier est attendu, pas {kind}.")
    template = _MESSAGES.get(error["type"])
    if template is None:
        return _sentence(f"Valeur invalide : {error['msg']}.")
    try:
        return _sentence(template.format(**context))
    except (KeyError, IndexError):
        return _sentence(template)


def field_errors(exc: ValidationError, forbidden: re.Pattern[str] | None = None) -> tuple[FieldError, ...]:
    """One FieldError per pydantic error, with a dotted path ("candidate.degree_level", "regions.0").

    With `forbidden`, a text refused because it holds such a character (a NUL refused by a pattern, say) is
    reported as `control_character`, naming the character, rather than as the rule it also breaks.
    """
    errors = []
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"]) or "(racine)"
        text = error.get("input")
        found = forbidden.search(text) if forbidden is not None and isinstance(text, str) else None
        if found is not None:
            errors.append(_control_character(path, found.group()))
        else:
            errors.append(FieldError(path=quote(path, 300), code=error["type"], message=french_message(error)))
    return tuple(errors)


def _control_character(path: str, char: str) -> FieldError:
    message = _MESSAGES["control_character"].format(char=f"U+{ord(char):04X}")
    return FieldError(path=quote(path, 300), code="control_character", message=message)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Unicode's control characters (Cc): C0, DEL and C1. No text field of a command may hold one."""
NUL = re.compile(r"\x00")
"""No text anywhere may hold a NUL (PostgreSQL's text cannot)."""


def control_character_errors(
    payload: BaseModel, forbidden: re.Pattern[str] = CONTROL_CHARACTERS
) -> tuple[FieldError, ...]:
    """One `control_character` FieldError per text of a validated payload holding a `forbidden` character."""
    return tuple(
        _control_character(".".join(str(part) for part in path), char)
        for path, char in _controls(payload, (), forbidden)
    )


def _controls(node: Any, path: tuple[Any, ...], forbidden: re.Pattern[str]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, str):
        found = forbidden.search(node)
        if found is not None:
            yield path, found.group()
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _controls(getattr(node, name), (*path, name), forbidden)
    elif isinstance(node, list | tuple | set | frozenset):
        for index, item in enumerate(node):
            yield from _controls(item, (*path, index), forbidden)
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _controls(key, (*path, key), forbidden)
            yield from _controls(item, (*path, key), forbidden)
