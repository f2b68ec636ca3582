"""The chef de projet co-funding rule: cap by EPCI count, 70 % of the post, yearly, shared posts split."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdi_contracts.money import eur
from tdi_funding.domain.chef_de_projet import split_shared_post, state_subsidy

# (EPCI count, post's yearly cost in EUR) -> State subsidy in EUR: min(30k if 1-2 EPCI else 40k, 70 % of cost)
CASES = [
    (1, 30_000, 21_000),
    (2, 30_000, 21_000),
    (3, 30_000, 21_000),
    (5, 30_000, 21_000),
    (1, 50_000, 30_000),
    (2, 50_000, 30_000),
    (3, 50_000, 35_000),
    (5, 50_000, 35_000),
    (1, 80_000, 30_000),
    (2, 80_000, 30_000),
    (3, 80_000, 40_000),
    (5, 80_000, 40_000),
]


@pytest.mark.parametrize(("epci", "cost_eur", "expected_eur"), CASES)
def test_state_subsidy_is_the_cap_by_epci_count_or_70_percent_of_the_post(epci, cost_eur, expected_eur):
    subsidy = state_subsidy(epci, eur(cost_eur))
    assert subsidy.amount_cents == eur(expected_eur)


def test_a_territory_whose_epci_count_is_unknown_gets_cannot_compute_yet_not_an_error():
    subsidy = state_subsidy(None, eur(50_000))
    assert not subsidy.computable
    assert "pas encore connu" in subsidy.reason


@given(epci=st.integers(1, 60), cost=st.integers(0, 10**9))
def test_the_territory_always_funds_at_least_30_percent_and_the_cap_is_never_passed(epci, cost):
    amount = state_subsidy(epci, cost).amount_cents
    assert amount is not None
    assert amount * 100 <= cost * 70
    assert amount <= (eur(30_000) if epci <= 2 else eur(40_000))


def test_a_shared_post_is_split_equally_with_the_cent_remainder_to_the_first_territory_by_id():
    shares = split_shared_post(10_000_001, ["tdi-44-b", "tdi-44-a", "tdi-44-c"])
    assert shares == {"tdi-44-a": 3_333_334, "tdi-44-b": 3_333_334, "tdi-44-c": 3_333_333}


@given(cost=st.integers(0, 10**10), ids=st.lists(st.text("abc", min_size=1, max_size=3), min_size=1, max_size=10))
def test_the_shares_of_a_shared_post_sum_exactly_to_its_cost(cost, ids):
    assert sum(split_shared_post(cost, ids).values()) == cost
