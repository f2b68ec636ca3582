"""The partner guide (contracts/README.md) says how to key each ingress command, from the contracts themselves.

It once said the Kafka key is always the territory id, while VTE commands must be keyed by their contract
reference (else KEY_MISMATCH). The table between the guide's markers is rendered from the registry: a README
that no longer matches the contracts fails here.
"""

import re
from pathlib import Path

from tdi_contracts.envelope import COMMAND_TYPES, spec_for
from tdi_contracts.partner_guide import BEGIN, END, ingress_keys_table

README = Path(__file__).resolve().parents[1] / "README.md"
REGENERATE = "run `make generate` and commit contracts/README.md"


def _table() -> str:
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, REGENERATE
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def test_the_partner_guide_has_the_key_table_the_contracts_render() -> None:
    assert _table() == ingress_keys_table().strip(), REGENERATE


def test_each_ingress_command_is_listed_with_the_field_its_key_and_subject_come_from() -> None:
    found = re.finditer(r"^\| `([^`]+)` \| [^|]+ \| `([^`]+)` \| `([^`]+)` \|", _table(), re.MULTILINE)
    rows = {m[1]: (m[2], m[3]) for m in found}
    assert set(rows) == set(COMMAND_TYPES)
    for type_, (key, subject) in rows.items():
        assert (key, subject) == (spec_for(type_).key_field, spec_for(type_).subject_field), type_
    assert rows["fr.territoires-industrie.vte.RecordVteContract.v2"][0] == "contract_reference"
    assert rows["fr.territoires-industrie.funding.FileApplication.v1"][0] == "territory_id"
