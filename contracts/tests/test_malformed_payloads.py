"""Property tests: malformed payloads fail validation with a readable, field-level reason."""

import json
from typing import Any

import pytest
from contract_strategies import documents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tdi_contracts.compat import normalize
from tdi_contracts.envelope import EVENT_TYPES, ContractViolation, ErrorCode
from tdi_contracts.wire import decode_event, encode_event, envelope_for

PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = sorted(EVENT_TYPES)


def _fields(type_: str) -> dict[str, dict[str, Any]]:
    schema = normalize(EVENT_TYPES[type_].model_json_schema())
    fields = {}
    for name, prop in schema["properties"].items():
        branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
        fields[name] = branches[0]
    return fields


def _violation(type_: str, document: dict[str, Any], mutated: dict[str, Any]) -> ContractViolation:
    model = EVENT_TYPES[type_]
    key, _, headers = encode_event(*_valid(model, document))
    with pytest.raises(ContractViolation) as caught:
        decode_event(key, json.dumps(mutated).encode(), headers)
    return caught.value


def _valid(model: Any, document: dict[str, Any]) -> tuple[Any, Any]:
    payload = model.model_validate_json(json.dumps(document))
    return envelope_for(payload, "platform"), payload


def _assert_names(violation: ContractViolation, field: str, codes: set[str]) -> None:
    assert violation.code is ErrorCode.INVALID_PAYLOAD
    errors = [e for e in violation.field_errors if e.path.split(".")[0] == field]
    assert errors, f"no error names {field}: {violation}"
    assert {e.code for e in errors} & codes, violation
    assert all(e.message and e.message[0].isupper() for e in errors)
    assert field in str(violation)


_WRONG = {"string": 12345, "integer": "12", "boolean": "true", "array": "not-a-list", "object": ["x"]}
WRONG_TYPE_CODES = {"string_type", "int_type", "bool_type", "list_type", "model_type", "enum"}
WRONG_TYPE_CODES |= {"uuid_type", "date_type", "datetime_type", "dict_type", "model_attributes_type"}
WRONG_TYPE_CODES |= {"money_not_integer_cents"}


@pytest.mark.parametrize("type_", TYPES)
@PROPERTY
@given(data=st.data())
def test_a_value_of_the_wrong_type_is_refused_with_the_field_named(type_: str, data: st.DataObject) -> None:
    document = data.draw(documents(EVENT_TYPES[type_]))
    field, schema = data.draw(st.sampled_from(sorted(_fields(type_).items())))
    mutated = {**document, field: _WRONG[schema["type"]]}
    _assert_names(_violation(type_, document, mutated), field, WRONG_TYPE_CODES)


@pytest.mark.parametrize("type_", TYPES)
@PROPERTY
@given(data=st.data())
def test_a_missing_required_field_is_refused_with_the_field_named(type_: str, data: st.DataObject) -> None:
    required = EVENT_TYPES[type_].model_json_schema().get("required", [])
    document = data.draw(documents(EVENT_TYPES[type_]))
    field = data.draw(st.sampled_from(required))
    mutated = {k: v for k, v in document.items() if k != field}
    _assert_names(_violation(type_, document, mutated), field, {"missing"})


MONEY = [(t, f) for t in TYPES for f, s in _fields(t).items() if f.endswith("_cents")]


@pytest.mark.parametrize(("type_", "field"), MONEY)
@PROPERTY
@given(data=st.data(), amount=st.floats(0, 1e9, allow_nan=False).map(lambda x: x + 0.5))
def test_float_money_is_rejected_with_the_field_named(
    type_: str, field: str, data: st.DataObject, amount: float
) -> None:
    document = data.draw(documents(EVENT_TYPES[type_]))
    violation = _violation(type_, document, {**document, field: amount})
    _assert_names(violation, field, {"money_not_integer_cents"})
    assert "entier" in violation.field_errors[0].message


ENUMS = [(t, f) for t in TYPES for f, s in _fields(t).items() if "enum" in s]


@pytest.mark.parametrize(("type_", "field"), ENUMS)
@PROPERTY
@given(data=st.data())
def test_an_unknown_enum_value_is_refused_with_the_allowed_values(type_: str, field: str, data: st.DataObject) -> None:
    document = data.draw(documents(EVENT_TYPES[type_]))
    violation = _violation(type_, document, {**document, field: "valeur-inconnue"})
    _assert_names(violation, field, {"enum"})
    assert "valeurs admises" in violation.field_errors[0].message


TEXTS = [(t, f, s["maxLength"]) for t in TYPES for f, s in _fields(t).items() if s.get("maxLength")]


@pytest.mark.parametrize(("type_", "field", "limit"), TEXTS)
@PROPERTY
@given(data=st.data())
def test_an_oversize_string_is_refused_with_the_field_named(
    type_: str, field: str, limit: int, data: st.DataObject
) -> None:
    document = data.draw(documents(EVENT_TYPES[type_]))
    violation = _violation(type_, document, {**document, field: "A" * (limit + 1)})
    _assert_names(violation, field, {"string_too_long", "string_pattern_mismatch"})
