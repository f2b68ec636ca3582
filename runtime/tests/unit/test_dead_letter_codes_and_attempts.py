"""A dead letter says the same code in its body and headers, and counts the re-drives it went through."""

import json
from types import SimpleNamespace

from tdi_runtime.deadletters import ATTEMPTS_HEADER, dead_letter
from tdi_runtime.delivery import UNKNOWN_SOURCE, decode_record
from tdi_runtime.testing import probe_event


def delivery(extra_headers=()):
    key, value, headers = probe_event(8413, 3)
    return decode_record(
        SimpleNamespace(
            topic="tdi.test.t.v1", partition=0, offset=5, key=key, value=value, headers=[*headers, *extra_headers]
        )
    )


def body_and_headers(message):
    return json.loads(message.value), {k: v.decode() for k, v in message.headers}


def test_a_declared_code_is_kept_and_an_undeclared_one_is_internal_error_in_body_and_headers_alike():
    for code, expected in [("EPCI_NOT_IN_TERRITORY", "EPCI_NOT_IN_TERRITORY"), ("NOT_DECLARED", "INTERNAL_ERROR")]:
        body, headers = body_and_headers(dead_letter(delivery(), "tdi-probe", code, "Une raison."))
        assert (body["code"], headers["tdi_dlq_code"]) == (expected, expected)


def test_the_attempt_number_is_one_plus_the_re_drives_the_record_went_through():
    first, _ = body_and_headers(dead_letter(delivery(), "tdi-probe", "OUT_OF_ORDER", "Trop tôt."))
    third, headers = body_and_headers(
        dead_letter(delivery([(ATTEMPTS_HEADER, b"2")]), "tdi-probe", "OUT_OF_ORDER", "Trop tôt.")
    )
    assert (first["attempts"], third["attempts"], headers["tdi_dlq_attempts"]) == (1, 3, "3")


def test_the_source_of_an_event_is_kept_and_a_record_without_one_gets_a_marker_no_event_has():
    assert delivery().source == "/tdi/territory"
    bare = decode_record(SimpleNamespace(topic="t", partition=0, offset=1, key=None, value=b"{}", headers=[]))
    assert bare.source == UNKNOWN_SOURCE != ""
