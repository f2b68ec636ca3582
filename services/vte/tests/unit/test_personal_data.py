"""A Bpifrance event carrying a name, an e-mail or a birth date anyway is accepted with them stripped: they never
reach the handler, and the candidate reference itself is replaced by its keyed pseudonym at the edge."""

from __future__ import annotations

import json

from vte_builders import contract

from tdi_contracts.envelope import Envelope, decode_event, encode_event, spec_for
from tdi_vte.handlers import pseudonymised
from tdi_vte.pseudonyms import pseudonym_of
from tdi_vte.rules import VteRules

PERSONAL = {"nom": "Durand", "prenom": "Camille", "email": "camille.durand@example.org", "date_naissance": "1999-04-17"}


def test_personal_fields_sent_anyway_are_dropped_when_the_command_is_read() -> None:
    payload = contract()
    spec = spec_for(payload)
    key, value, headers = encode_event(Envelope.new(spec.type, spec.subject_of(payload), "bpifrance"), payload)
    document = json.loads(value)
    document.update(PERSONAL)
    document["candidate"].update(PERSONAL)

    _, decoded = decode_event(key, json.dumps(document).encode(), headers)

    assert decoded == payload
    kept = decoded.model_dump_json()
    assert not [v for v in PERSONAL.values() if v in kept]


def test_the_candidate_reference_is_replaced_by_its_keyed_pseudonym() -> None:
    rules = VteRules(pseudonym_key="k")  # type: ignore[arg-type]
    terms, pseudonym = pseudonymised(contract(), rules)
    assert pseudonym == pseudonym_of("BPI-CAND-0001", "k")
    assert terms.candidate.candidate_reference == pseudonym
    assert "BPI-CAND-0001" not in terms.model_dump_json()
