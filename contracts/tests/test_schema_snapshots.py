"""The committed JSON Schemas are those of the models, and each still holds against every earlier version."""

import json
from pathlib import Path

import pytest

from tdi_contracts.base import SPECS
from tdi_contracts.compat import full_transitive_issues
from tdi_contracts.schemas_export import SCHEMAS_DIR, export, history_of, rendered_schemas, schema_of

REGENERATE = "run `make generate` and commit contracts/schemas/"


def test_there_is_one_committed_schema_per_payload() -> None:
    committed = sorted(p.name for p in SCHEMAS_DIR.glob("*.json"))
    assert committed == sorted(f"{t}.json" for t in SPECS), f"event types were added or removed: {REGENERATE}"


def test_the_committed_schemas_are_up_to_date_with_the_models() -> None:
    stale = [
        name
        for name, text in rendered_schemas().items()
        if not (SCHEMAS_DIR / name).exists() or (SCHEMAS_DIR / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"{len(stale)} schema(s) differ from the models, e.g. {stale[:3]}: {REGENERATE}"


@pytest.mark.parametrize("type_", sorted(SPECS))
def test_every_committed_version_of_an_event_still_holds_against_the_current_model(type_: str) -> None:
    versions = [*history_of(SCHEMAS_DIR, type_), SCHEMAS_DIR / f"{type_}.json"]
    history = [json.loads(p.read_text(encoding="utf-8")) for p in versions if p.exists()]
    issues = full_transitive_issues(history, schema_of(type_))
    assert not issues, f"breaking change of {type_}: publish a new version (.v2) instead. {issues}"


def test_the_exporter_archives_a_schema_whose_shape_changed(tmp_path: Path) -> None:
    type_ = "fr.territoires-industrie.funding.GrantCommitted.v1"
    export(tmp_path)
    old = json.loads((tmp_path / f"{type_}.json").read_text(encoding="utf-8"))
    old["properties"]["amount_cents"]["maximum"] = 5  # pretend an earlier shape
    (tmp_path / f"{type_}.json").write_text(json.dumps(old), encoding="utf-8")

    assert export(tmp_path) == [f"{type_}.json"]
    archived = history_of(tmp_path, type_)
    assert [p.name for p in archived] == ["0001.json"]
    assert json.loads(archived[0].read_text(encoding="utf-8")) == old
    assert export(tmp_path) == []


def test_the_schemas_are_written_deterministically_with_sorted_keys() -> None:
    text = next(iter(rendered_schemas().values()))
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
