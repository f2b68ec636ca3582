"""The indicators feed's records from the dashboard's figures (issue 23), without a database."""

from __future__ import annotations

from datetime import UTC, datetime

from tdi_reporting.indicators import digest, indicators_of

AT = datetime(2026, 12, 7, tzinfo=UTC)
FIGURES = {
    "territoires/national": [{"code_zone": "FR", "territoires_labellises": 2}],
    "territoires/region": [{"code_zone": "44", "territoires_labellises": 2}],
    "territoires/departement": [{"code_zone": "51", "territoires_labellises": 2}],
    "territoires/territory": [
        {"code_zone": "tdi-44-grand-reims", "territoires_labellises": 1},
        {"code_zone": "ti-990001", "territoires_labellises": 1},
        {"code_zone": "not a territory id!", "territoires_labellises": 1},
    ],
    "actions_axes/territory": [
        {"code_zone": "tdi-44-grand-reims", "axe": "foncier", "fiches_actions": 3},
        {"code_zone": "tdi-44-grand-reims", "axe": "transition-ecologique", "fiches_actions": 2},
    ],
    "financements/region": [{"code_zone": "44", "engage_centimes": 790_000_000, "verse_centimes": 120_000_000}],
    "vte/national": [{"code_zone": "FR", "contrats_signes": 12}],
}


def test_each_zone_of_each_level_is_one_scope_keyed_as_the_contract_says():
    found = indicators_of(FIGURES, AT)
    assert set(found) == {"fr", "region-44", "departement-51", "tdi-44-grand-reims", "ti-990001"}
    assert [found[s].scope.value for s in ("fr", "region-44", "departement-51", "tdi-44-grand-reims")] == [
        "national",
        "region",
        "departement",
        "territory",
    ]


def test_a_scope_carries_its_figures_and_zero_where_no_read_model_counts_anything():
    found = indicators_of(FIGURES, AT)
    assert (found["fr"].labelled_territories, found["fr"].vte_contracts_signed, found["fr"].committed_cents) == (
        2,
        12,
        0,
    )
    assert (found["region-44"].committed_cents, found["region-44"].paid_cents) == (790_000_000, 120_000_000)
    assert found["tdi-44-grand-reims"].fiches_actions.model_dump() == {
        "transition_ecologique": 2,
        "foncier": 3,
        "innovation": 0,
        "competences": 0,
    }


def test_the_national_scope_is_published_even_on_an_empty_platform():
    assert indicators_of({}, AT)["fr"].labelled_territories == 0


def test_a_scope_whose_id_the_contract_refuses_is_left_out_and_the_others_published():
    assert "not a territory id!" not in indicators_of(FIGURES, AT)


def test_the_digest_ignores_the_instant_and_sees_every_figure():
    now, later = indicators_of(FIGURES, AT)["fr"], indicators_of(FIGURES, datetime(2027, 1, 1, tzinfo=UTC))["fr"]
    assert digest(now) == digest(later)
    more = {**FIGURES, "vte/national": [{"code_zone": "FR", "contrats_signes": 13}]}
    assert digest(indicators_of(more, AT)["fr"]) != digest(now)
