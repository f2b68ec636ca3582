"""Regenerates territories.json from the press kit: `python -m tdi_territory.reference.build [SEED]`."""

import argparse
import json
import sys
from pathlib import Path

from tdi_territory.reference.annex_parser import parse_annex, territory_id
from tdi_territory.reference.catalogue import ANNOUNCED_TOTAL, REFERENCE_FILE
from tdi_territory.reference.errata import Erratum, apply_errata, load_errata

DEFAULT_SEED = Path("../shared/seeds/000_ae186818c96ba645.txt")
"""Relative to the repository root (the folder holding uv.lock)."""


def render(seed_text: str, source: str, errata: list[Erratum] | None = None) -> str:
    """The JSON document for one press kit text and the errata (errata.json by default); same input, same bytes."""
    territories, notes = parse_annex(seed_text)
    ids = [territory_id(t) for t in territories]  # from the annex as printed: an erratum never changes an id
    applied = apply_errata(seed_text, territories, load_errata() if errata is None else errata)
    rows = [
        {
            "id": platform_id,
            "official_id": None,
            "name": t.name,
            "departements": t.departements,
            "regions": t.regions,
            "interregional": t.interregional,
            "annex_lines": t.lines,
        }
        for platform_id, t in zip(ids, territories, strict=True)
    ]
    document = {
        "source": source,
        "announced_total": ANNOUNCED_TOTAL,
        "territories": sorted(rows, key=lambda row: str(row["id"])),
        "annex_notes": [{"line": n.line, "kind": n.kind, "detail": n.detail} for n in notes],
        "errata": [{"line": e.line, "printed": e.printed, "why": e.why} for e in applied],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def repository_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "uv.lock").is_file():
            return folder
    return start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seed", nargs="?", type=Path, help=f"press kit text (default: {DEFAULT_SEED})")
    parser.add_argument("--output", type=Path, default=REFERENCE_FILE, help="where to write the JSON")
    args = parser.parse_args(argv)
    seed: Path = args.seed or repository_root(Path.cwd()) / DEFAULT_SEED
    text = render(seed.read_text(encoding="utf-8"), source=seed.name)
    args.output.write_text(text, encoding="utf-8")
    count = len(json.loads(text)["territories"])
    sys.stdout.write(f"{count} territories written to {args.output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
