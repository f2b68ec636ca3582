"""A dead letter keeps what the contracts read of a refused record, never what they drop (issue 22 #13).

Dead letters are kept 90 days. A partner may send fields the contracts do not know (a candidate's name, an
e-mail): the contract drops them, so must the dead letter. It keeps the contract's form of the payload when the
payload could be read, no value at all when it could not, and always the raw value's length and SHA-256; its
copies of the headers are made safe (escaped, bounded) and keep no value of a header the platform does not read.
"""

from __future__ import annotations

import base64
import hashlib
import json
from types import SimpleNamespace
from typing import Any

from partner_records import GROUP, contract_record

from tdi_contracts.envelope import decode_event
from tdi_runtime.deadletters import dead_letter
from tdi_runtime.delivery import decode_record

NAME, EMAIL = "Camille Martin", "camille.martin@example.org"


def with_personal_data(record: SimpleNamespace) -> SimpleNamespace:
    document = json.loads(record.value)
    document["candidate"]["full_name"] = NAME
    document["candidate_email"] = EMAIL
    record.value = json.dumps(document).encode()
    record.headers = [*record.headers, ("x-candidate-name", NAME.encode())]
    return record


def body_of(message: Any) -> Any:
    return decode_event(message.key, message.value, list(message.headers))[1]


def test_a_dead_letter_of_a_command_keeps_its_contract_form_without_the_fields_the_contract_drops():
    record = with_personal_data(contract_record(4))
    delivery = decode_record(record)
    assert delivery.violation is None
    body = body_of(dead_letter(delivery, GROUP, "UNKNOWN_TERRITORY", "Le territoire est inconnu."))

    kept = base64.b64decode(body.original_value_base64)
    assert kept == delivery.payload.model_dump_json().encode()
    assert NAME.encode() not in kept and EMAIL.encode() not in kept
    assert body.original_value_kept == "contract"
    assert (body.original_value_bytes, body.original_value_sha256) == (
        len(record.value),
        hashlib.sha256(record.value).hexdigest(),
    )
    copies = {h.name: h.value for h in body.original_headers}
    assert copies["x-candidate-name"] == ""  # a header the platform does not read: its name only
    assert copies["ce_id"] == "BPI-EVT-1" and copies["ce_type"].endswith("RecordVteContract.v2")
    assert NAME not in json.dumps(body.model_dump(mode="json"))


def test_a_dead_letter_of_a_record_that_could_not_be_read_keeps_no_value():
    record = with_personal_data(contract_record(4))
    record.value = record.value[:-1]  # no longer JSON: nothing can be said of what it holds
    delivery = decode_record(record)
    assert delivery.violation is not None and delivery.violation.code == "MALFORMED_JSON"
    body = body_of(dead_letter(delivery, GROUP, delivery.violation.code, delivery.violation.reason))
    assert body.original_value_base64 == ""
    assert body.original_value_kept == "none"
    assert (body.original_value_bytes, body.original_value_sha256) == (
        len(record.value),
        hashlib.sha256(record.value).hexdigest(),
    )
    assert NAME not in json.dumps(body.model_dump(mode="json"))


def test_a_dead_letters_header_copies_are_escaped_and_bounded():
    record = contract_record(4)
    record.headers = [
        (n, b"fr.territoires-industrie.vte.Record\nVte\x00.v2" if n == "ce_type" else v) for n, v in record.headers
    ]
    record.headers += [("traceparent", b"\xff\x1b[31m" + b"0" * 10_000), ("ce_subject", None)]
    delivery = decode_record(record)
    body = body_of(dead_letter(delivery, GROUP, delivery.violation.code, delivery.violation.reason))
    copies = [(h.name, h.value) for h in body.original_headers]
    assert ("ce_type", "fr.territoires-industrie.vte.Record\\nVte\\x00.v2") in copies
    assert all(not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in v) for _, v in copies)
    assert all(len(v) <= 4000 for _, v in copies)
