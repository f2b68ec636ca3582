"""The connector's queries are valid for the Démarches simplifiées schema and read no personal data."""

from __future__ import annotations

from pathlib import Path

import pytest
from gql import Client, gql
from graphql import GraphQLError, ValidationRule, build_schema, parse, specified_rules, validate
from graphql.language import FieldNode

from tdi_runtime.doors.demarches import queries

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "ds" / "schema.graphql"
SDL = SCHEMA_FILE.read_text(encoding="utf-8")

PERSONAL_DATA = frozenset(
    {
        ("Dossier", "usager"),
        ("Dossier", "prenomMandataire"),
        ("Dossier", "nomMandataire"),
        ("Dossier", "messages"),
        ("Dossier", "avis"),
        ("Dossier", "instructeurs"),
        ("Dossier", "motivation"),
        ("Profile", "email"),
        ("PersonnePhysique", "nom"),
        ("PersonnePhysique", "prenom"),
        ("PersonnePhysique", "email"),
        ("PersonnePhysique", "dateDeNaissance"),
        ("PersonnePhysique", "civilite"),
    }
)
"""Fields that name or reach a person (the applicant, a mandatary, an instructor, the free text written to the
applicant): the platform keeps a link to the dossier instead."""


class NoPersonalData(ValidationRule):
    """A graphql-core validation rule: a query selecting one of PERSONAL_DATA is refused, naming the field."""

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.context.get_parent_type()
        if parent is not None and (parent.name, node.name.value) in PERSONAL_DATA:
            self.report_error(GraphQLError(f"personal data: {parent.name}.{node.name.value}", node))


def refusals(document: str) -> list[str]:
    return [e.message for e in validate(build_schema(SDL), parse(document), [*specified_rules, NoPersonalData])]


@pytest.mark.parametrize("name", queries.ALL)
def test_each_query_of_the_connector_is_valid_for_the_demarches_simplifiees_schema(name: str) -> None:
    Client(schema=SDL).validate(gql(getattr(queries, name)))  # raises with the reason when invalid


@pytest.mark.parametrize("name", queries.ALL)
def test_no_query_of_the_connector_reads_a_personal_data_field(name: str) -> None:
    assert refusals(getattr(queries, name)) == []


def test_the_rule_refuses_the_applicants_e_mail_and_name() -> None:
    document = (
        "query { demarche(number: 1) { dossiers { nodes { number usager { email }"
        " demandeur { ... on PersonnePhysique { nom prenom } } } } } }"
    )
    assert refusals(document) == [
        "personal data: Dossier.usager",
        "personal data: Profile.email",
        "personal data: PersonnePhysique.nom",
        "personal data: PersonnePhysique.prenom",
    ]


def test_a_field_the_schema_does_not_have_is_refused_with_the_schemas_suggestion() -> None:
    with pytest.raises(GraphQLError, match="Did you mean 'state'"):
        Client(schema=SDL).validate(gql("query { dossier(number: 1) { statut } }"))


def test_the_schema_fixture_is_the_vendored_file_unchanged() -> None:
    import hashlib

    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest == "999dc34a9e8b7e32dfee09c10cfcb4e755748386e55d0bac49700f36d2bb6dea"
    assert "e1338d79114265bb1ee774235e1be64962e60d09" in (SCHEMA_FILE.parent / "SOURCE.md").read_text()
