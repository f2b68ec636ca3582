"""Writes one JSON Schema per payload to contracts/schemas/<type>.json: python -m tdi_contracts.schemas_export

A schema whose shape changed is first archived under schemas/history/<type>/NNNN.json, so the
compatibility test keeps checking the new shape against every earlier one (FULL_TRANSITIVE).
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .base import SPECS
from .compat import normalize
from .registry import spec_for

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_of(type_: str) -> dict[str, Any]:
    """The JSON Schema of one payload with its routing facts as x-tdi-* annotations."""
    spec = spec_for(type_)
    schema = spec.model.model_json_schema(mode="validation")
    schema.update({"$schema": JSON_SCHEMA_DIALECT, "$id": f"urn:tdi-contracts:schema:{type_}"})
    schema.update({"x-tdi-type": type_, "x-tdi-kind": spec.kind, "x-tdi-topics": list(spec.topics)})
    schema.update({"x-tdi-subject": spec.subject_field, "x-tdi-key": spec.key_field})
    return schema


def render(schema: dict[str, Any]) -> str:
    """Deterministic text: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rendered_schemas() -> dict[str, str]:
    """File name -> text of every current schema."""
    return {f"{type_}.json": render(schema_of(type_)) for type_ in sorted(SPECS)}


def history_of(directory: Path, type_: str) -> list[Path]:
    """Archived earlier shapes of a type, oldest first."""
    return sorted((directory / "history" / type_).glob("*.json"))


def export(directory: Path = SCHEMAS_DIR) -> list[str]:
    """Write every schema; archive a committed one whose shape changed. Returns the files written."""
    written = []
    for name, text in rendered_schemas().items():
        target = directory / name
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old == text:
            continue
        if old is not None and normalize(json.loads(old)) != normalize(json.loads(text)):
            archive = directory / "history" / name.removesuffix(".json")
            archive.mkdir(parents=True, exist_ok=True)
            (archive / f"{len(list(archive.glob('*.json'))) + 1:04d}.json").write_text(old, encoding="utf-8")
        target.write_text(text, encoding="utf-8")
        written.append(name)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: write the schemas (default folder contracts/schemas)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=SCHEMAS_DIR, help="schemas folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written = export(args.out)
    sys.stderr.write(f"{len(written)} schema file(s) written to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
