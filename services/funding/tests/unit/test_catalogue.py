"""The programme catalogue: exact envelopes, operators, sites clés en main open to every territory."""

from tdi_contracts.money import eur
from tdi_contracts.permissions import may_decide_on
from tdi_contracts.reference import Partner, Programme, Region
from tdi_contracts.reference.programmes_catalogue import (
    CATALOGUE,
    ENVELOPE_SEEDS,
    FONDS_VERT_2024_REGIONAL_SHARES,
    PARTNER_LINES,
)


def test_the_2024_fonds_vert_regional_envelopes_sum_to_exactly_100_million_with_7_9_for_grand_est():
    assert sum(FONDS_VERT_2024_REGIONAL_SHARES.values()) == eur(100_000_000)
    assert FONDS_VERT_2024_REGIONAL_SHARES[Region.GRAND_EST] == eur(7_900_000)
    assert set(FONDS_VERT_2024_REGIONAL_SHARES) == set(Region)


def test_rebond_industriel_is_10_million_engineering_and_90_million_investment_operated_by_bpifrance():
    seeds = {s.envelope_id: s for s in ENVELOPE_SEEDS}
    assert seeds["rebond-industriel-ingenierie"].ceiling_cents == eur(10_000_000)
    assert seeds["rebond-industriel-investissement"].ceiling_cents == eur(90_000_000)
    assert seeds["rebond-industriel-investissement"].operator is Partner.BPIFRANCE


def test_banque_des_territoires_lines_are_600_million_decarbonisation_and_450_million_site_predevelopment():
    assert PARTNER_LINES["bdt-decarbonation-industrielle"][1] == eur(600_000_000)
    assert PARTNER_LINES["bdt-sites-cles-en-main-predeveloppement"][1] == eur(450_000_000)


def test_sites_cles_en_main_are_not_limited_to_labelled_territories_unlike_the_fonds_vert():
    assert not CATALOGUE[Programme.SITES_CLES_EN_MAIN].requires_labelled_territory
    assert CATALOGUE[Programme.FONDS_VERT_TI].requires_labelled_territory


def test_a_partner_may_decide_only_on_the_programmes_it_operates_or_instructs():
    assert may_decide_on(Partner.BPIFRANCE, Programme.REBOND_INDUSTRIEL_INVESTISSEMENT)
    assert not may_decide_on(Partner.BPIFRANCE, Programme.REBOND_INDUSTRIEL_INGENIERIE)
    assert may_decide_on(Partner.ADEME, Programme.FONDS_VERT_TI)
    assert not may_decide_on(Partner.ADEME, Programme.SITES_CLES_EN_MAIN)
    assert may_decide_on(Partner.BANQUE_DES_TERRITOIRES, Programme.SITES_CLES_EN_MAIN)
    assert all(p is not Partner.BUSINESS_FRANCE for r in CATALOGUE.values() for p in r.operators | r.instructors)
