"""Fonds vert eligibility as the sources write it (issue 24, A2): the value chains are examples, not a gate; what
the sources require is checked as the dossier's declared facts."""

from dataclasses import replace

from tdi_contracts.money import eur
from tdi_contracts.reference import Programme
from tdi_contracts.reference.programmes_catalogue import CATALOGUE
from tdi_funding.domain.eligibility import Dossier, check
from tdi_funding.domain.envelope import Envelope

RULES = CATALOGUE[Programme.FONDS_VERT_TI]
GRAND_EST = Envelope("fonds-vert-ti-2024-r44", "fonds-vert-ti", eur(7_900_000), region="44", year=2024)
DECLARED = Dossier(
    territory_labelled=True,
    territory_regions=("44",),
    project_type="investissement-industriel",
    value_chain="bioeconomie",
    instrument="subvention",
    requested_cents=eur(150_000),
    eligible_cost_cents=eur(600_000),
    supported_by_local_authorities=True,
    linked_to_territory_strategy=True,
    funding_year=2024,
)


def codes(dossier: Dossier) -> set[str]:
    return {r.code for r in check(RULES, GRAND_EST, dossier)}


def test_a_skills_project_without_a_value_chain_is_eligible__P539_P551():
    """P:539 « Des projets contribuant au développement des compétences … pourront également être accompagnés »;
    P:551 the chains are listed « A titre d'exemple »."""
    assert codes(replace(DECLARED, project_type="competences", value_chain=None)) == set()


def test_a_project_of_a_territory_facing_an_industrial_shock_is_eligible_without_a_value_chain__P539():
    """P:539 « … ainsi que des projets situés dans des territoires confrontés à des « chocs industriels » »."""
    shock = replace(DECLARED, project_type="redynamisation", value_chain=None, industrial_shock=True)
    assert codes(shock) == set()


def test_a_value_chain_outside_the_six_examples_is_not_a_reason_to_refuse__M288():
    """M:288 « Quelques exemples de filières cibles »: the value chain is information."""
    assert codes(replace(DECLARED, value_chain="chimie-verte")) == set()


def test_a_project_not_declared_supported_by_the_local_authorities_is_refused_with_its_reason__P541():
    """P:541 « Ces projets, soutenus par les collectivités locales concernées, … »."""
    assert codes(replace(DECLARED, supported_by_local_authorities=False)) == {"local-authorities-support-missing"}
    assert codes(replace(DECLARED, supported_by_local_authorities=None)) == {"local-authorities-support-missing"}


def test_a_project_not_declared_linked_to_the_territory_strategy_is_refused_with_its_reason__P541():
    """P:541 « … et s'inscrire en lien avec la stratégie industrielle des territoires »."""
    assert codes(replace(DECLARED, linked_to_territory_strategy=None)) == {"territory-strategy-link-missing"}


def test_a_project_outside_a_labelled_territory_is_refused__P541_M276():
    """P:541 « devront être situés en Territoires d'industrie »;
    M:276 « Pour des projets en territoire d'industrie »."""
    assert codes(replace(DECLARED, territory_labelled=False)) == {"territory-not-labelled"}


def test_every_missing_declaration_is_named_at_once__P541():
    undeclared = replace(DECLARED, supported_by_local_authorities=None, linked_to_territory_strategy=False)
    failed = check(RULES, GRAND_EST, undeclared)
    assert {r.code for r in failed} == {"local-authorities-support-missing", "territory-strategy-link-missing"}
    assert {r.field for r in failed} == {"supported_by_local_authorities", "linked_to_territory_strategy"}
    assert all("collectivités locales" in r.message or "stratégie industrielle" in r.message for r in failed)


def test_other_programmes_do_not_ask_for_the_fonds_vert_declarations():
    rebond = Envelope("rebond-industriel-investissement", "rebond-industriel-investissement", eur(90_000_000))
    dossier = replace(DECLARED, supported_by_local_authorities=None, linked_to_territory_strategy=None)
    assert check(CATALOGUE[Programme.REBOND_INDUSTRIEL_INVESTISSEMENT], rebond, dossier) == []
