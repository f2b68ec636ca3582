"""A démarche's settings file: which champ of its form becomes which field, and how each type is read.

Each démarche has its own form, so the mapping is a TOML file per démarche (`deploy/ds/<name>.toml`), validated at
start (a broken file stops the service with its name and fault). A champ is found by its `champDescriptorId`
(stable when a label is reworded), else by its label. Types:

| type | read from | value |
| --- | --- | --- |
| `decimal-euros` | `stringValue` (normalised by DS: `-?[0-9]+(.[0-9]{1,3})?`), never the float | cents (int) |
| `integer-euros` | `stringValue` (a BigInt) | cents (int) |
| `commune` | `CommuneChamp.commune.code` | INSEE code as DS gives it (Paris/Lyon/Marseille: arrondissement) |
| `siret` | `SiretChamp.etablissement.siret`, else `stringValue` | 14 digits, Luhn checked |
| `choice` | `stringValue` | the platform value the file's `values` table gives it (another value is refused) |
| `yes-no` | `YesNoChamp`/`CheckboxChamp` value, else `stringValue` (Oui/Non) | bool |
| `text` | `stringValue`, trimmed (a title: never map a champ that names a person) | 1-200 printable characters |

A required champ missing or empty is refused `DS_CHAMP_MISSING` naming the field; a value that cannot be read is
`DS_CHAMP_INVALID`: either way the dossier becomes a dead letter with that reason.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, TypeAdapter, ValidationError, model_validator

from tdi_contracts.errors import ErrorCode
from tdi_contracts.fields import Label
from tdi_contracts.ids import Siret
from tdi_runtime.doors.demarches.model import Champ, Dossier
from tdi_runtime.doors.demarches.refusals import refusal
from tdi_runtime.settings import ConfigurationError

ChampType = Literal["decimal-euros", "integer-euros", "commune", "siret", "choice", "yes-no", "text"]
FieldName = str
Value = int | str | bool
T = TypeVar("T", int, str, bool)


class ChampRule(BaseModel):
    """Where one field is found in the form and how it is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, min_length=1, description="champDescriptorId (stable across labels)")
    label: str | None = Field(default=None, min_length=1, description="The champ's label, when no id is given")
    type: ChampType
    required: bool = True
    values: dict[str, str] = Field(default_factory=dict, description="choice: DS text -> platform value")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.id is None and self.label is None:
            raise ValueError("a champ needs an id or a label")
        if self.type == "choice" and not self.values:
            raise ValueError("a choice needs its values table (DS text -> platform value)")
        if self.type != "choice" and self.values:
            raise ValueError("values are for a choice only")
        return self

    def find(self, champs: Iterable[Champ]) -> Champ | None:
        listed = tuple(champs)
        by_id = next((c for c in listed if self.id is not None and c.champ_descriptor_id == self.id), None)
        if by_id is not None or self.label is None:
            return by_id
        return next((c for c in listed if c.label == self.label), None)


class DemarcheMapping(BaseModel):
    """The settings of one démarche: its number, its kind (which translator), options for it, its fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    demarche: PositiveInt
    kind: str = Field(min_length=1, description="Which translator of the owning service reads it (e.g. fonds-vert)")
    options: dict[str, str | int | bool] = Field(default_factory=dict, description="Passed to the translator")
    champs: dict[FieldName, ChampRule] = Field(default_factory=dict)
    annotations: dict[FieldName, ChampRule] = Field(default_factory=dict, description="Private annotations")

    @model_validator(mode="after")
    def _names(self) -> Self:
        both = set(self.champs) & set(self.annotations)
        if both:
            raise ValueError(f"fields both champs and annotations: {', '.join(sorted(both))}")
        bad = [n for n in (*self.champs, *self.annotations) if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", n)]
        if bad:
            raise ValueError(f"field names must be snake_case: {', '.join(bad)}")
        return self


def load_mapping(path: Path) -> DemarcheMapping:
    """Read and check one settings file; any fault is a ConfigurationError naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigurationError(f"{path}: not a readable TOML file ({error})") from error
    try:
        return DemarcheMapping.model_validate(data)
    except ValidationError as error:
        faults = "; ".join(_fault(e["loc"], e["msg"], e.get("input")) for e in error.errors())
        raise ConfigurationError(f"{path}: {faults}") from error


def _fault(where: tuple[int | str, ...], message: str, given: object) -> str:
    shown = f" (got {given!r})" if isinstance(given, str | int | float | bool) else ""
    return f"{'.'.join(map(str, where)) or 'file'}: {message}{shown}"


def load_mappings(paths: Iterable[Path]) -> dict[int, DemarcheMapping]:
    """Every démarche's settings, by démarche number; two files for one démarche are refused."""
    found: dict[int, DemarcheMapping] = {}
    for path in paths:
        mapping = load_mapping(path)
        if mapping.demarche in found:
            raise ConfigurationError(f"{path}: démarche {mapping.demarche} already has a settings file")
        found[mapping.demarche] = mapping
    return found


@dataclass(frozen=True)
class Fields:
    """The values read from one dossier, by field name (None: an optional champ absent or empty)."""

    values: Mapping[FieldName, Value | None]

    def cents(self, name: FieldName) -> int | None:
        return self._typed(name, int)

    def text(self, name: FieldName) -> str | None:
        return self._typed(name, str)

    def flag(self, name: FieldName) -> bool | None:
        return self._typed(name, bool)

    def _typed(self, name: FieldName, kind: type[T]) -> T | None:
        value = self.values.get(name)
        if value is None:
            return None
        if type(value) is not kind:  # bool is an int: exact types only
            raise TypeError(f"field {name} is a {type(value).__name__}, not a {kind.__name__}")
        return value


def read_fields(dossier: Dossier, mapping: DemarcheMapping) -> Fields:
    """Every field of the settings, read from the dossier's champs and private annotations."""
    values: dict[FieldName, Value | None] = {}
    for rules, champs in ((mapping.champs, dossier.champs), (mapping.annotations, dossier.annotations)):
        for name, rule in rules.items():
            found = rule.find(champs)
            value = None if found is None else _READERS[rule.type](found, rule, name)
            if value is None and rule.required:
                raise refusal(ErrorCode.DS_CHAMP_MISSING, f"Champ : {name}.", field=name)
            values[name] = value
    return Fields(values)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _invalid(name: str, why: str) -> Exception:
    return refusal(ErrorCode.DS_CHAMP_INVALID, f"Champ : {name} ({why}).", field=name)


_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _euros(text: str, name: str) -> int:
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    if _DECIMAL.fullmatch(cleaned) is None:
        raise _invalid(name, "un montant positif en euros est attendu")
    try:
        cents = Decimal(cleaned) * 100
    except InvalidOperation as error:
        raise _invalid(name, "un montant positif en euros est attendu") from error
    if cents != cents.to_integral_value():
        raise _invalid(name, "le montant a plus de deux décimales")
    return int(cents)


def _decimal_euros(champ: Champ, _: ChampRule, name: str) -> Value | None:
    return None if _blank(champ.string_value) else _euros(champ.string_value or "", name)


def _integer_euros(champ: Champ, _: ChampRule, name: str) -> Value | None:
    text = champ.string_value if not _blank(champ.string_value) else None
    if text is None and champ.integer is not None:
        text = str(champ.integer)
    if text is None:
        return None
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
    if not cleaned.isdigit() or not cleaned.isascii():
        raise _invalid(name, "un nombre entier d'euros est attendu")
    return int(cleaned) * 100


_INSEE = re.compile(r"[0-9][0-9AB][0-9]{3}")


def _commune(champ: Champ, _: ChampRule, name: str) -> Value | None:
    code = champ.commune.code if champ.commune is not None else None
    if code is None:
        return None
    if _INSEE.fullmatch(code) is None:
        raise _invalid(name, "un code INSEE de commune est attendu")
    return code


_SIRET: TypeAdapter[str] = TypeAdapter(Siret)


def _siret(champ: Champ, _: ChampRule, name: str) -> Value | None:
    siret = champ.etablissement.siret if champ.etablissement is not None else None
    text = siret or champ.string_value
    if _blank(text):
        return None
    cleaned = re.sub(r"\s", "", text or "")
    try:
        return _SIRET.validate_python(cleaned)
    except ValidationError as error:
        raise _invalid(name, "un SIRET de 14 chiffres valide est attendu") from error


def _choice(champ: Champ, rule: ChampRule, name: str) -> Value | None:
    text = champ.choice if champ.choice is not None else champ.string_value
    if _blank(text):
        return None
    value = rule.values.get((text or "").strip())
    if value is None:
        raise _invalid(name, f"choix non prévu par les réglages : « {text} »")
    return value


_YES, _NO = {"oui", "true", "yes"}, {"non", "false", "no"}


def _yes_no(champ: Champ, _: ChampRule, name: str) -> Value | None:
    for typed in (champ.yes, champ.checked):
        if typed is not None:
            return typed
    if _blank(champ.string_value):
        return None
    text = (champ.string_value or "").strip().lower()
    if text in _YES | _NO:
        return text in _YES
    raise _invalid(name, "oui ou non est attendu")


_LABEL: TypeAdapter[str] = TypeAdapter(Label)


def _text(champ: Champ, _: ChampRule, name: str) -> Value | None:
    if _blank(champ.string_value):
        return None
    try:
        return _LABEL.validate_python((champ.string_value or "").strip())
    except ValidationError as error:
        raise _invalid(name, "un texte imprimable de 200 caractères au plus est attendu") from error


_READERS = {
    "text": _text,
    "decimal-euros": _decimal_euros,
    "integer-euros": _integer_euros,
    "commune": _commune,
    "siret": _siret,
    "choice": _choice,
    "yes-no": _yes_no,
}
