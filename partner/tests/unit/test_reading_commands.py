"""A partner's file is validated line by line before anything is sent, with French reasons per line."""

from __future__ import annotations

import json

from tdi_contracts.events.funding import FileApplication
from tdi_contracts.reference import Partner
from tdi_partner.commands import command_types, read_commands
from tdi_runtime.testing import example_payload

FILE = "fr.territoires-industrie.funding.FileApplication.v1"
VTE = "fr.territoires-industrie.vte.RecordVteContract.v1"


def application(**changes) -> dict:
    return {**json.loads(example_payload(FileApplication).model_dump_json()), **changes}


def test_a_semicolon_csv_with_a_bom_is_read_with_integer_amounts_and_text_codes(tmp_path):
    row = application(partner_reference="ADEME-1", requested_cents=150000000)
    columns = [k for k, v in row.items() if v is not None]
    lines = [";".join(columns), ";".join(str(row[c]) for c in columns)]
    path = tmp_path / "dossiers.csv"
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")

    [command] = read_commands(Partner.ADEME, path, FILE)

    assert command.valid, command.errors
    assert command.payload.requested_cents == 150_000_000
    assert command.payload.territory_id == row["territory_id"]


def test_each_refused_line_says_which_field_is_wrong_in_french_and_the_others_stay_valid(tmp_path):
    good = application(partner_reference="BPI-1")
    bad = application(partner_reference="BPI-2", requested_cents=1500.5)
    path = tmp_path / "dossiers.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in (good, bad)), encoding="utf-8")

    first, second = read_commands(Partner.BPIFRANCE, path, FILE)

    assert first.valid
    assert not second.valid and second.line == 2
    assert any(e.startswith("requested_cents") for e in second.errors), second.errors


def test_a_command_the_partner_may_not_send_is_refused_before_sending(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"type": VTE, "payload": {}}), encoding="utf-8")
    [command] = read_commands(Partner.ADEME, path, None)
    assert not command.valid
    assert any("pas habilité" in e for e in command.errors)
    assert VTE not in command_types(Partner.ADEME)
    assert VTE in command_types(Partner.BPIFRANCE)


def test_the_same_command_sent_again_keeps_its_event_id_so_the_platform_answers_it_once(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(application(partner_reference="BPI-9")), encoding="utf-8")
    first = read_commands(Partner.BPIFRANCE, path, FILE)[0].event_id
    again = read_commands(Partner.BPIFRANCE, path, FILE)[0].event_id
    other = read_commands(Partner.ADEME, path, FILE)[0].event_id
    assert first == again != other
