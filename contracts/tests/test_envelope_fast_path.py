"""Reading the envelope on its fast path never changes the outcome: same envelope, or same refusal."""

from typing import Any

from grant_records import grant_record
from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_contracts.cloudevents import _careful_envelope
from tdi_contracts.envelope import HEADER_FIELDS, ContractViolation, Envelope

Headers = list[tuple[str, bytes | None]]

_NAMES = [*HEADER_FIELDS, *(n.upper() for n in HEADER_FIELDS), "Ce_Id", "traceparent"]
_VALUES = st.one_of(
    st.none(),
    st.binary(max_size=12),
    st.sampled_from(
        [
            b"1",
            b"01",
            b" 1",
            b"1 ",
            b"+1",
            b"1_0",
            b"1.0",
            b"0.3",
            b"application/json",
            b"2024-01-15T09:30:00+02:00",
            b"2024-01-15T09:30:00z",
            b"2024-01-15T09:30:00",
            b"funding",
            b"FUNDING",
            b"ti-8413",
            b"has space",
            b"\xff",
            b"",
            b"/tdi/funding",
            b"fr.territoires-industrie.funding.GrantCommitted.v1",
        ]
    ),
)
_MUTATION = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(_NAMES), _VALUES),
    st.tuples(st.just("add"), st.sampled_from(_NAMES), _VALUES),
    st.tuples(st.just("drop"), st.sampled_from(_NAMES), st.none()),
)


def _mutated(headers: Headers, mutations: list[tuple[str, str, bytes | None]]) -> Headers:
    for action, name, value in mutations:
        if action == "set":
            headers = [(n, value if n == name else v) for n, v in headers]
        elif action == "add":
            headers = [*headers, (name, value)]
        else:
            headers = [(n, v) for n, v in headers if n != name]
    return headers


def _outcome(read: Any, headers: Headers) -> tuple[Any, ...]:
    try:
        envelope = read(headers)
    except ContractViolation as violation:
        errors = [e.model_dump() for e in violation.field_errors]
        return ("refused", violation.code, violation.reason, errors)
    return ("read", type(envelope), envelope.model_dump(), envelope.time.tzinfo)


@settings(max_examples=150, deadline=None)
@given(st.lists(_MUTATION, max_size=3))
def test_a_header_list_reads_the_same_on_the_fast_and_the_careful_path(mutations: list[Any]) -> None:
    headers = _mutated(list(grant_record()[2]), mutations)

    assert _outcome(Envelope.from_kafka_headers, headers) == _outcome(_careful_envelope, headers)


def test_a_well_formed_header_list_reads_as_its_envelope_on_the_fast_path() -> None:
    headers = grant_record()[2]

    assert Envelope.from_kafka_headers(headers) == _careful_envelope(headers)
    assert Envelope.from_kafka_headers([*headers, ("traceparent", b"00-abc-def-01")]) == _careful_envelope(headers)
