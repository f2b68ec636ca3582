"""Every payload documents each field, its examples form a valid event, and no person is identifiable."""

import json
import re
from typing import Any

import pytest

from tdi_contracts.base import SPECS
from tdi_contracts.compat import field_paths, normalize
from tdi_contracts.envelope import EVENT_TYPES
from tdi_contracts.events.vte.eligibility import Candidate

TYPES = sorted(EVENT_TYPES)
PERSONAL = re.compile(r"e?mail|phone|telephone|birth|naissance|first_?name|last_?name|prenom|surname|address")


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *[d for d in schema.get("$defs", {}).values() if d.get("type") == "object"]]


@pytest.mark.parametrize("type_", TYPES)
def test_every_field_has_a_description_and_examples(type_: str) -> None:
    for obj in _objects(EVENT_TYPES[type_].model_json_schema()):
        for name, prop in obj["properties"].items():
            assert prop.get("description"), f"{obj['title']}.{name} has no description"
            assert prop.get("examples"), f"{obj['title']}.{name} has no examples"


@pytest.mark.parametrize("type_", TYPES)
def test_the_field_examples_make_a_valid_payload(type_: str) -> None:
    model = EVENT_TYPES[type_]
    example = {name: prop["examples"][0] for name, prop in model.model_json_schema()["properties"].items()}
    model.model_validate_json(json.dumps(example))


@pytest.mark.parametrize("type_", TYPES)
def test_no_payload_carries_names_or_contact_details_of_people(type_: str) -> None:
    paths = field_paths(normalize(EVENT_TYPES[type_].model_json_schema()))
    assert not [p for p in paths if PERSONAL.search(p.lower())]


def test_a_vte_candidate_is_only_a_pseudonym_and_eligibility_facts() -> None:
    assert set(Candidate.model_fields) == {"pseudonym", "status", "degree_level", "graduated_in"}


def test_event_names_are_past_tense_and_command_names_imperative() -> None:
    for spec in SPECS.values():
        if spec.kind == "event":
            assert re.search(r"(ed|Made|Paid|Published|Left|Withdrawn)$", spec.name), spec.name  # irregular pasts
        else:
            assert not re.search(r"ed$", spec.name), spec.name
