"""Turns pydantic validation errors into field-level reasons in French: partners' answers and HTTP errors alike."""

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import FieldError
from .quoting import quote
from .spreadsheet_safety import FORMULA_LIKE_TEXT, REFUSAL_FR

_KINDS = {"float": "un nombre décimal", "bool": "un booléen", "str": "une chaîne de caractères"}
_BAD_INSTANT = "Horodatage invalide : ISO 8601 avec fuseau attendu (ex. 2024-01-15T09:30:00Z)."
_NOT_JSON = "Cette valeur ne peut pas venir d'un document JSON."
_BAD_TIME = "Heure invalide : format HH:MM[:SS] attendu."
_BAD_DURATION = "Durée invalide : format ISO 8601 attendu (ex. P1D, PT30M)."
_BAD_URL = "Adresse web (URL) invalide."
_MESSAGES = {
    # what a JSON document or a query parameter can get wrong
    "missing": "Champ obligatoire absent.",
    "extra_forbidden": "Champ inconnu : vérifiez son nom (les champs non prévus sont refusés).",
    "json_invalid": "Document JSON invalide.",
    "json_type": "Un document JSON est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_parsing_size": "Nombre entier trop grand.",
    "int_from_float": "Un nombre entier est attendu, sans partie décimale.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "finite_number": "Un nombre fini est attendu.",
    "bool_type": "Un booléen (true ou false) est attendu.",
    "bool_parsing": "Un booléen (true ou false) est attendu.",
    "none_required": "Ce champ doit être vide (null).",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_unicode": "Une chaîne de caractères Unicode valide est attendue.",
    "string_not_ascii": "Seuls les caractères ASCII sont admis.",
    "string_too_long": "Texte trop long : {max_length} caractères au plus.",
    "string_too_short": "Texte trop court : au moins {min_length} caractère(s).",
    "string_pattern_mismatch": "Format invalide : le motif attendu est {pattern}.",
    "enum": "Valeur inconnue ; valeurs admises : {expected}.",
    "literal_error": "Valeur inconnue ; valeurs admises : {expected}.",
    "greater_than": "La valeur doit être strictement supérieure à {gt}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than": "La valeur doit être strictement inférieure à {lt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "multiple_of": "La valeur doit être un multiple de {multiple_of}.",
    "too_long": "Trop d'éléments : {max_length} au plus.",
    "too_short": "Pas assez d'éléments : au moins {min_length}.",
    "list_type": "Une liste est attendue.",
    "tuple_type": "Une liste est attendue.",
    "set_type": "Une liste de valeurs distinctes est attendue.",
    "frozen_set_type": "Une liste de valeurs distinctes est attendue.",
    "set_item_not_hashable": "Les éléments de cette liste doivent être des valeurs simples.",
    "iterable_type": "Une liste est attendue.",
    "iteration_error": "Cette liste n'a pas pu être lue jusqu'au bout.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "mapping_type": "Un objet JSON est attendu.",
    "invalid_key": "Les clés d'un objet JSON sont des chaînes de caractères.",
    "uuid_type": "Un identifiant UUID est attendu.",
    "uuid_parsing": "Identifiant UUID invalide.",
    "uuid_version": "Identifiant UUID de version {expected_version} attendu.",
    "date_type": "Une date au format AAAA-MM-JJ est attendue.",
    "date_parsing": "Date invalide : format AAAA-MM-JJ attendu.",
    "date_from_datetime_parsing": "Date invalide : format AAAA-MM-JJ attendu.",
    "date_from_datetime_inexact": "Une date sans heure est attendue (format AAAA-MM-JJ).",
    "date_past": "La date doit être passée.",
    "date_future": "La date doit être à venir.",
    "time_type": _BAD_TIME,
    "time_parsing": _BAD_TIME,
    "datetime_type": "Un horodatage ISO 8601 avec fuseau est attendu (ex. 2024-01-15T09:30:00Z).",
    "datetime_parsing": _BAD_INSTANT,
    "datetime_from_date_parsing": _BAD_INSTANT,
    "datetime_object_invalid": _BAD_INSTANT,
    "datetime_past": "L'horodatage doit être passé.",
    "datetime_future": "L'horodatage doit être à venir.",
    "timezone_aware": "L'horodatage doit préciser son fuseau horaire (ex. 2024-01-15T09:30:00Z).",
    "timezone_naive": "L'horodatage ne doit pas préciser de fuseau horaire.",
    "timezone_offset": "L'horodatage doit être donné dans le fuseau attendu.",
    "time_delta_type": _BAD_DURATION,
    "time_delta_parsing": _BAD_DURATION,
    "decimal_type": "Un nombre décimal est attendu.",
    "decimal_parsing": "Un nombre décimal est attendu.",
    "decimal_max_digits": "Trop de chiffres : {max_digits} au plus.",
    "decimal_max_places": "Trop de décimales : {decimal_places} au plus.",
    "decimal_whole_digits": "Trop de chiffres avant la virgule : {whole_digits} au plus.",
    "fraction_type": "Un nombre est attendu.",
    "fraction_parsing": "Un nombre est attendu.",
    "complex_type": "Un nombre est attendu.",
    "complex_str_parsing": "Un nombre est attendu.",
    "bytes_type": "Une chaîne de caractères est attendue.",
    "bytes_too_short": "Contenu trop court : au moins {min_length} octet(s).",
    "bytes_too_long": "Contenu trop long : {max_length} octets au plus.",
    "bytes_invalid_encoding": "Contenu mal encodé ({encoding} attendu).",
    "url_type": _BAD_URL,
    "url_parsing": _BAD_URL,
    "url_syntax_violation": _BAD_URL,
    "url_too_long": "Adresse web (URL) trop longue : {max_length} caractères au plus.",
    "url_scheme": "Adresse web (URL) au protocole refusé.",
    "union_tag_invalid": "Type d'objet inconnu (champ « {discriminator} »).",
    "union_tag_not_found": "Le champ « {discriminator} » qui donne le type de l'objet est absent.",
    "value_error": "Valeur refusée par une règle du contrat.",
    "assertion_error": "Valeur refusée par une règle du contrat.",
    "default_factory_not_called": "Valeur par défaut non calculée : un autre champ est invalide.",
    "frozen_field": "Ce champ ne peut pas être modifié.",
    "frozen_instance": "Cet objet ne peut pas être modifié.",
    "recursion_loop": "Document trop imbriqué ou cyclique.",
    "recursion_depth_exceeded": "Document trop imbriqué.",
    # what only Python code can get wrong (never a JSON document): still French, never English
    "no_such_attribute": _NOT_JSON,
    "needs_python_object": _NOT_JSON,
    "get_attribute_error": _NOT_JSON,
    "dataclass_type": "Un objet JSON est attendu.",
    "dataclass_exact_type": "Un objet JSON est attendu.",
    "named_tuple_type": "Une liste est attendue.",
    "frozen_dict_type": "Un objet JSON est attendu.",
    "ordered_dict_type": "Un objet JSON est attendu.",
    "counter_type": "Un objet JSON est attendu.",
    "deque_type": "Une liste est attendue.",
    "missing_sentinel_error": _NOT_JSON,
    "ellipsis_error": _NOT_JSON,
    "is_instance_of": _NOT_JSON,
    "is_subclass_of": _NOT_JSON,
    "callable_type": _NOT_JSON,
    "arguments_type": _NOT_JSON,
    "missing_argument": "Champ obligatoire absent.",
    "unexpected_keyword_argument": "Champ inconnu : vérifiez son nom.",
    "missing_keyword_only_argument": "Champ obligatoire absent.",
    "unexpected_positional_argument": _NOT_JSON,
    "missing_positional_only_argument": "Champ obligatoire absent.",
    "multiple_argument_values": "Ce champ est donné plusieurs fois.",
    # the contracts' own rules
    "siren_checksum": "Numéro SIREN {value} invalide : la clé de contrôle (Luhn) est fausse.",
    "siret_checksum": "Numéro SIRET {value} invalide : la clé de contrôle (Luhn) est fausse.",
    "unique_items": "Valeur en double : {item}.",
    "control_character": "Caractère interdit {character} en position {position}.",
    "unknown_region": "Région inconnue ; valeurs admises (code INSEE ou nom) : {expected}.",
    "unknown_departement": "Département inconnu ; valeurs admises : code INSEE (01 à 95, 2A, 2B, 971 à 976) ou nom.",
    FORMULA_LIKE_TEXT: REFUSAL_FR,
}
FIELD_MESSAGES: Mapping[str, str] = MappingProxyType(_MESSAGES)
"""The French sentence of each error type, shared by the Kafka answers and the HTTP field errors."""
GENERIC_MESSAGE = "Valeur refusée : elle ne respecte pas le contrat de ce champ."
"""For an error type the catalogue does not know yet: French all the same, never pydantic's English."""
MAX_SENTENCE = 500


def _sentence(text: str) -> str:
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", text)
    text = re.sub(r"[\ud800-\udfff]", "\ufffd", text)  # a quoted value's lone surrogate: answers must encode
    text = re.sub(r"\s+", " ", text).strip() or "Valeur invalide."
    return text if len(text) <= MAX_SENTENCE else text[: MAX_SENTENCE - 1].rstrip() + "…"


def french_message(error: ErrorDetails) -> str:
    """A French sentence for one pydantic error, naming the rule; a generic French sentence for a type the
    catalogue does not know (never pydantic's English)."""
    context = dict(error.get("ctx") or {})
    if error["type"] == "money_not_integer_cents":
        kind = _KINDS.get(str(context.get("kind")), "une valeur non entière")
        return _sentence(f"Montant en centimes d'euro : un entier est attendu, pas {kind}.")
    template = _MESSAGES.get(error["type"])
    if template is None:
        return GENERIC_MESSAGE
    if "expected" in context:  # pydantic lists choices as "'a', 'b' or 'c'"
        context["expected"] = re.sub(r" or (?=')", " ou ", str(context["expected"]))
    try:
        return _sentence(template.format(**context))
    except (KeyError, IndexError, ValueError):
        return _sentence(re.sub(r"\{[a-z_]+\}", "…", template))  # its context absent: the rule, unquoted


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
            errors.append(_control_character(path, found.group(), found.start() + 1))
        else:
            errors.append(FieldError(path=quote(path, 300), code=error["type"], message=french_message(error)))
    return tuple(errors)


def _control_character(path: str, char: str, position: int) -> FieldError:
    message = _MESSAGES["control_character"].format(character=f"U+{ord(char):04X}", position=position)
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
        _control_character(".".join(str(part) for part in path), char, position)
        for path, char, position in _controls(payload, (), forbidden)
    )


def _controls(
    node: Any, path: tuple[Any, ...], forbidden: re.Pattern[str]
) -> Iterator[tuple[tuple[Any, ...], str, int]]:
    if isinstance(node, str):
        found = forbidden.search(node)
        if found is not None:
            yield path, found.group(), found.start() + 1
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
