"""The parts of the partner guide (contracts/README.md) rendered from the contracts, so that they cannot drift.

`ingress_keys_table()`: for each command a partner may publish, its ingress topic, the payload field its Kafka key
must be (else KEY_MISMATCH), the field `ce_subject` must be (else SUBJECT_MISMATCH), and who may send it.
`python -m tdi_contracts.partner_guide` rewrites the table between the README's markers; a test fails when the
committed README is stale.
"""

import sys
from pathlib import Path

from .base import SPECS
from .permissions import PARTNER_COMMANDS
from .reference.partners import Partner

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- ingress-keys:begin (generated: `uv run --frozen python -m tdi_contracts.partner_guide`) -->"
END = "<!-- ingress-keys:end -->"


def ingress_keys_table() -> str:
    """A Markdown table: one row per command type, sorted, with its key and subject fields and the partners
    (`ce_producer` slugs) `PARTNER_COMMANDS` lets send it."""
    rows = [
        "| command (`ce_type`) | ingress topic | Kafka key = the value of | `ce_subject` = the value of | sent by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for type_, spec in sorted(SPECS.items()):
        if spec.kind != "command":
            continue
        senders = [f"`{p.value}`" for p in Partner if type_ in PARTNER_COMMANDS[p]]
        rows.append(
            f"| `{type_}` | `tdi.partner.<partner>.{spec.service}.v1` | `{spec.key_field}`"
            f" | `{spec.subject_field}` | {', '.join(senders) or 'nobody yet'} |"
        )
    return "\n".join(rows) + "\n"


def with_ingress_keys(readme: str) -> str:
    """The README with the table between its markers replaced by the one the contracts render."""
    head, found, rest = readme.partition(BEGIN)
    if not found or END not in rest:
        raise ValueError(f"the README has no {BEGIN!r} ... {END!r} markers")
    return f"{head}{BEGIN}\n{ingress_keys_table()}{END}{rest.split(END, 1)[1]}"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    updated = with_ingress_keys(text)
    if updated != text:
        README.write_text(updated, encoding="utf-8")
    sys.stdout.write(f"{README}: ingress key table {'rewritten' if updated != text else 'up to date'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
