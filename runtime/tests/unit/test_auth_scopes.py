"""The scope rules of the HTTP routes, in plain Python: region, programme, read-only, sensitive fields."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_contracts.reference import Partner
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94", "01", "02", "03", "04", "06"]
GRAND_EST = Caller("prefecture-ge", "regional", region="44")
FONDS_VERT = Caller("instructeur-fv", "instructor", programme="fonds-vert-ti")
READER = Caller("lecteur", "reader")
NATIONAL = Caller("anct", "national")


def refused_code(call, *args) -> str | None:
    try:
        call(*args)
    except DomainError as error:
        assert error.http_status == 403 and error.message
        return error.code
    return None


@settings(max_examples=100)
@given(own=st.sampled_from(REGIONS), regions=st.lists(st.sampled_from(REGIONS), max_size=3))
def test_a_regional_caller_reaches_an_object_exactly_when_one_of_its_regions_is_its_own(own, regions):
    access = Caller("p", "regional", region=own)
    expected = None if own in regions else "OUT_OF_REGION"
    assert refused_code(access.require_region, regions) == expected
    assert access.sees(regions) is (own in regions)


@settings(max_examples=100)
@given(regions=st.lists(st.sampled_from(REGIONS), max_size=3))
def test_national_reader_and_instructor_callers_are_limited_by_no_region(regions):
    for access in (NATIONAL, READER, FONDS_VERT):
        assert refused_code(access.require_region, regions) is None


def test_an_object_without_a_region_is_out_of_reach_of_a_regional_caller_only():
    assert refused_code(GRAND_EST.require_region, None) == "OUT_OF_REGION"
    assert refused_code(NATIONAL.require_region, None) is None


def test_a_regional_list_is_narrowed_to_its_region_and_asking_for_another_is_refused():
    assert GRAND_EST.region_filter(None) == "44"
    assert GRAND_EST.region_filter("44") == "44"
    assert refused_code(GRAND_EST.region_filter, "76") == "OUT_OF_REGION"
    assert NATIONAL.region_filter(None) is None and NATIONAL.region_filter("76") == "76"


def test_an_instructor_acts_and_lists_within_its_programme_only():
    assert FONDS_VERT.programme_filter(None) == "fonds-vert-ti"
    assert refused_code(FONDS_VERT.programme_filter, "vte") == "OUT_OF_PROGRAMME"
    assert refused_code(FONDS_VERT.require_programme, "fonds-vert-ti") is None
    assert refused_code(FONDS_VERT.require_programme, "vte") == "OUT_OF_PROGRAMME"
    assert refused_code(GRAND_EST.require_programme, "vte") is None
    assert GRAND_EST.programme_filter("vte") == "vte"


def test_a_reader_never_writes_and_a_role_the_route_does_not_name_is_forbidden():
    assert refused_code(READER.require_write) == "READ_ONLY_ROLE"
    assert refused_code(FONDS_VERT.require_write) == "FORBIDDEN"
    assert refused_code(FONDS_VERT.require_write, ("national", "regional", "instructor")) is None
    assert refused_code(GRAND_EST.require_write) is None
    assert refused_code(NATIONAL.require_write, ("national",)) is None
    assert refused_code(GRAND_EST.require_write, ("national",)) == "FORBIDDEN"


@pytest.mark.parametrize(
    ("access", "post_cost", "binome_company", "undecided_amount"),
    [
        (NATIONAL, True, True, True),
        (GRAND_EST, True, True, True),
        (FONDS_VERT, False, False, False),  # an undecided amount: only of its own programme's dossiers (below)
        (Caller("i", "instructor", programme="chef-de-projet"), True, False, False),
        (READER, False, False, False),
    ],
)
def test_sensitive_fields_are_shown_only_to_the_roles_that_need_them(
    access, post_cost, binome_company, undecided_amount
):
    shown = {"post_cost": post_cost, "binome_company": binome_company, "undecided_amount": undecided_amount}
    assert {family: access.may_see(family) for family in shown} == shown


def test_an_instructor_sees_the_undecided_amounts_of_its_own_programme_only():
    assert FONDS_VERT.may_see("undecided_amount", "fonds-vert-ti")
    assert not FONDS_VERT.may_see("undecided_amount", "vte")
    assert not READER.may_see("undecided_amount", "fonds-vert-ti")
    assert GRAND_EST.may_see("undecided_amount", "vte")
    dossier = {"programme": "vte", "requested_cents": 5}
    assert FONDS_VERT.hide("undecided_amount", dossier, ["requested_cents"], "vte")["requested_cents"] is None


def test_a_reader_gets_counts_not_rows_of_records_beside_personal_data():
    assert refused_code(READER.require_rows) == "AGGREGATES_ONLY"
    assert all(refused_code(a.require_rows) is None for a in (NATIONAL, GRAND_EST, FONDS_VERT))


def test_a_hidden_field_is_null_and_the_others_stay():
    post = {"id": "p1", "annual_cost_cents": 6_000_000}
    assert READER.hide("post_cost", post, ["annual_cost_cents"]) == {"id": "p1", "annual_cost_cents": None}
    assert NATIONAL.hide("post_cost", post, ["annual_cost_cents"]) == post


def test_the_local_staff_and_admin_tokens_are_national():
    for role in ("staff", "admin", "national"):
        assert Caller.of_token("token", role).role == "national"
    regional = Caller.of_token("token:regional", "regional", region="44")
    assert (regional.role, regional.region) == ("regional", "44")


def test_a_partner_and_the_service_itself_are_bound_to_no_region_and_never_see_sensitive_fields():
    bpifrance, vte = Caller.of_partner(Partner.BPIFRANCE), Caller.system("vte")
    assert (bpifrance.subject, bpifrance.partner, vte.subject) == (
        "partner:bpifrance",
        Partner.BPIFRANCE,
        "service:vte",
    )
    for caller in (bpifrance, vte):
        assert refused_code(caller.require_region, ["76"]) is None
        assert not caller.may_see("post_cost") and refused_code(caller.require_write) == "FORBIDDEN"
