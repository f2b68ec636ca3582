"""Control characters a partner may put anywhere: refused with a code, never quoted raw into an answer.

A type holding a line break, a NUL in a payload's text, a DEL or a C1 character in a title: each is a refusal
with a stable code naming the header or the field, and every reason stays a valid French sentence.
"""

import json
from typing import Any

import pytest
from contract_strategies import documents
from grant_records import grant_record, refused, with_header
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from tdi_contracts.envelope import COMMAND_TYPES, EVENT_TYPES, ErrorCode, decode_event, encode_event, envelope_for
from tdi_contracts.events.funding import FileApplication
from tdi_contracts.fields import FrenchSentence
from tdi_contracts.quoting import quote, sentence

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SENTENCE = TypeAdapter(FrenchSentence)
CONTROLS = ["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\x85", "\x9b"]
THE_REPORTED_TYPE = b"fr.territoires-industrie.vte.Record\nVteContract.v2"


def _record(type_: str, document: dict[str, Any]) -> tuple[bytes | None, list[tuple[str, bytes]]]:
    payload = EVENT_TYPES[type_].model_validate_json(json.dumps(document))
    key, _, headers = encode_event(envelope_for(payload, "bpifrance"), payload)
    return key, headers


def _file_application() -> dict[str, Any]:
    """A valid FileApplication document built from the first example of each field."""
    return {name: f.examples[0] for name, f in FileApplication.model_fields.items() if f.examples}


def _text_paths(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(document, dict):
        return [p for k, v in document.items() for p in _text_paths(v, (*path, k))]
    if isinstance(document, list):
        return [p for i, v in enumerate(document) for p in _text_paths(v, (*path, i))]
    return [path] if isinstance(document, str) and document else []


def _with_text(document: Any, path: tuple[Any, ...], insert: str) -> Any:
    document = json.loads(json.dumps(document))
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = node[path[-1]][:1] + insert + node[path[-1]][1:]
    return document


@pytest.mark.parametrize("value", [THE_REPORTED_TYPE, b"fr.x.Y.v1\x00", b"a\tb", b"fr.x\x1b[31m.Y.v1", b"x" * 201])
def test_a_type_with_a_control_character_is_an_invalid_header_named_ce_type(value: bytes) -> None:
    key, payload, headers = grant_record()
    violation = refused(key, payload, with_header(headers, "ce_type", value))
    assert violation.code is ErrorCode.INVALID_HEADER
    assert [e.path for e in violation.field_errors] == ["ce_type"]
    SENTENCE.validate_python(violation.reason)


def test_a_type_of_any_other_reverse_dns_name_is_still_an_unknown_type() -> None:
    key, payload, headers = grant_record()
    for value in (b"com.example.Something.v1", b"hello", b"fr.territoires-industrie.funding.Teleport.v1"):
        assert refused(key, payload, with_header(headers, "ce_type", value)).code is ErrorCode.UNKNOWN_EVENT_TYPE


@PROPERTY
@given(data=st.data())
def test_a_nul_in_any_text_of_a_command_is_refused_naming_the_field(data: st.DataObject) -> None:
    type_ = data.draw(st.sampled_from(sorted(COMMAND_TYPES)))
    document = data.draw(documents(EVENT_TYPES[type_]))
    paths = _text_paths(document)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    key, headers = _record(type_, document)
    violation = refused(key, json.dumps(_with_text(document, path, "\x00")).encode(), headers)
    assert violation.code is ErrorCode.INVALID_PAYLOAD
    named = {e.path: e for e in violation.field_errors}
    dotted = ".".join(str(p) for p in path)
    assert dotted in named, violation
    assert named[dotted].code == "control_character"
    assert "U+0000" in named[dotted].message


@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_character_in_a_command_title_is_refused_naming_the_field(control: str) -> None:
    document = _file_application()
    payload = FileApplication.model_validate_json(json.dumps(document))
    key, _, headers = encode_event(envelope_for(payload, "bpifrance"), payload)
    spoiled = {**document, "project_title": f"Ligne de{control}recyclage"}
    violation = refused(key, json.dumps(spoiled).encode(), headers)
    assert violation.code is ErrorCode.INVALID_PAYLOAD
    assert [(e.path, e.code) for e in violation.field_errors] == [("project_title", "control_character")]
    assert f"U+{ord(control):04X}" in violation.field_errors[0].message


def test_a_nul_in_a_domain_event_is_refused_too() -> None:
    key, value, headers = grant_record()
    document = json.loads(value)
    document["envelope_id"] = "fonds-vert\u0000"
    violation = refused(key, json.dumps(document).encode(), headers)
    assert violation.code is ErrorCode.INVALID_PAYLOAD
    assert [e.path for e in violation.field_errors] == ["envelope_id"]


def test_text_that_merely_looks_like_an_escape_is_accepted() -> None:
    document = {**_file_application(), "project_title": "Ligne \\u0000 de recyclage \u00e9\\n"}
    payload = FileApplication.model_validate_json(json.dumps(document))
    key, _, headers = encode_event(envelope_for(payload, "bpifrance"), payload)
    _, decoded = decode_event(key, json.dumps(document).encode(), headers)
    assert decoded.project_title == "Ligne \\u0000 de recyclage é\\n"  # type: ignore[attr-defined]


@given(st.text(), st.integers(1, 600))
def test_any_text_quoted_holds_no_control_character_and_keeps_its_bound(text: str, limit: int) -> None:
    quoted = quote(text, limit)
    assert len(quoted) <= limit
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in quoted)


@given(st.text())
def test_any_text_made_a_sentence_is_a_valid_french_sentence(text: str) -> None:
    SENTENCE.validate_python(sentence(text))


def test_a_quoted_line_break_stays_visible() -> None:
    assert quote("Record\nVteContract") == "Record\\nVteContract"
    assert quote("a\x00b\x9bc") == "a\\x00b\\x9bc"
    assert quote("é" * 300, 10) == "é" * 9 + "…"


@pytest.mark.parametrize("value", [b"1\n", b"\r1", b"1\t", "1\u0085".encode(), b" 1", b"01", b"+1"])
def test_a_schema_version_is_its_digits_only(value: bytes) -> None:
    key, payload, headers = grant_record()
    violation = refused(key, payload, with_header(headers, "ce_schemaversion", value))
    assert violation.code is ErrorCode.INVALID_HEADER
    assert [e.path for e in violation.field_errors] == ["ce_schemaversion"]
