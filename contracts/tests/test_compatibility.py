"""The FULL_TRANSITIVE checker: only adding an optional field is compatible; everything else breaks."""

import json
from typing import Any

import pytest
from pydantic import Field

from tdi_contracts.compat import full_issues, full_transitive_issues
from tdi_contracts.events.funding import GrantCommitted
from tdi_contracts.schemas_export import SCHEMAS_DIR

TYPE = "fr.territoires-industrie.funding.GrantCommitted.v1"


def committed() -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / f"{TYPE}.json").read_text(encoding="utf-8"))


class AmountAsText(GrantCommitted):
    """A test copy of GrantCommitted where a field changed type."""

    amount_cents: str = Field(description="Amount", examples=["120000000"])  # type: ignore[assignment]


class WithOptionalNote(GrantCommitted):
    """A test copy of GrantCommitted with one more optional field."""

    note: str | None = Field(default=None, max_length=200, description="A note", examples=["ok"])


class WithRequiredNote(GrantCommitted):
    """A test copy of GrantCommitted with one more required field."""

    note: str = Field(max_length=200, description="A note", examples=["ok"])


def test_a_changed_field_type_in_a_copy_of_a_model_fails_the_compatibility_check() -> None:
    issues = full_issues(committed(), AmountAsText.model_json_schema())
    assert issues and all("amount_cents" in issue for issue in issues)


def test_adding_an_optional_field_passes_the_compatibility_check() -> None:
    assert full_issues(committed(), WithOptionalNote.model_json_schema()) == []


def test_adding_a_required_field_breaks_old_events_for_the_new_reader() -> None:
    issues = full_issues(committed(), WithRequiredNote.model_json_schema())
    assert any("old events" in i and "note" in i for i in issues)


def test_removing_a_field_is_breaking() -> None:
    new = committed()
    del new["properties"]["operator"]
    assert any("removed field $.operator" in i for i in full_issues(committed(), new))


@pytest.mark.parametrize("change", ["add", "remove"])
def test_adding_or_removing_an_enum_value_is_breaking(change: str) -> None:
    new = committed()
    values = new["$defs"]["Instrument"]["enum"]
    new["$defs"]["Instrument"]["enum"] = [*values, "don"] if change == "add" else values[1:]
    assert any("enum values unknown" in i for i in full_issues(committed(), new))


@pytest.mark.parametrize("bound", [1, 10**15])
def test_narrowing_or_widening_a_constraint_is_breaking(bound: int) -> None:
    new = committed()
    new["properties"]["amount_cents"]["maximum"] = bound
    assert any("maximum" in i for i in full_issues(committed(), new))


def test_changing_descriptions_and_examples_is_compatible() -> None:
    new = committed()
    new["properties"]["amount_cents"].update(description="Autre texte", examples=[1])
    assert full_issues(committed(), new) == []


def test_compatibility_is_checked_against_every_earlier_version_not_only_the_last() -> None:
    v1 = committed()
    v2 = WithOptionalNote.model_json_schema()
    v3 = committed()
    v3["properties"]["note"] = {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None}
    assert full_issues(v1, v3) == []
    assert full_transitive_issues([v1, v2], v3)
