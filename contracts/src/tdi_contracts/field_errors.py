"""Turns pydantic validation errors into field-level reasons in French, for partners."""

import re

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import FieldError
from .spreadsheet_safety import FORMULA_LIKE_TEXT, REFUSAL_FR

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
    FORMULA_LIKE_TEXT: REFUSAL_FR,
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


def field_errors(exc: ValidationError) -> tuple[FieldError, ...]:
    """One FieldError per pydantic error, with a dotted path ("candidate.degree_level", "regions.0")."""
    return tuple(
        FieldError(
            path=".".join(str(part) for part in error["loc"]) or "(racine)",
            code=error["type"],
            message=french_message(error),
        )
        for error in exc.errors()
    )
