"""The programme catalogue: exact envelopes, who decides and who advises, sites clés en main open to every territory."""

from tdi_contracts.money import eur
from tdi_contracts.permissions import may_advise_on, may_decide_on, role_advises, role_decides
from tdi_contracts.reference import Partner, Programme
from tdi_contracts.reference.geography import Region
from tdi_contracts.reference.programmes_catalogue import CATALOGUE, ENVELOPE_SEEDS, PARTNER_LINES, regional_envelope_id


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


def test_a_partner_decides_only_on_the_programmes_it_operates():
    assert may_decide_on(Partner.BPIFRANCE, Programme.REBOND_INDUSTRIEL_INVESTISSEMENT)
    assert not may_decide_on(Partner.BPIFRANCE, Programme.REBOND_INDUSTRIEL_INGENIERIE)
    assert not may_decide_on(Partner.ADEME, Programme.SITES_CLES_EN_MAIN)
    assert may_decide_on(Partner.BANQUE_DES_TERRITOIRES, Programme.SITES_CLES_EN_MAIN)
    assert all(p is not Partner.BUSINESS_FRANCE for r in CATALOGUE.values() for p in r.deciders | r.advisers)


def test_ademe_supports_the_fonds_vert_instruction_and_never_decides__P547():
    """P:547 « géré de manière déconcentrée par les Préfectures de région avec l'appui de l'ADEME »."""
    assert not may_decide_on(Partner.ADEME, Programme.FONDS_VERT_TI)
    assert may_advise_on(Partner.ADEME, Programme.FONDS_VERT_TI)
    assert not may_advise_on(Partner.ADEME, Programme.SITES_CLES_EN_MAIN)


def test_the_regional_prefecture_decides_the_fonds_vert_the_instructor_and_the_region_only_advise__P547_M275():
    """P:547 « par les Préfectures de région avec l'appui de l'ADEME et en concertation avec les Conseils
    régionaux »; M:275 « Déconcentré à l'échelle du préfet de région »."""
    fonds_vert = Programme.FONDS_VERT_TI
    assert role_decides("regional", fonds_vert) and role_decides("national", fonds_vert)
    assert not role_decides("instructor", fonds_vert) and role_advises("instructor", fonds_vert)
    assert not role_decides("region-council", fonds_vert) and role_advises("region-council", fonds_vert)
    assert not role_advises("reader", fonds_vert) and not role_decides("reader", fonds_vert)


def test_the_instructors_of_other_programmes_still_decide_on_them():
    assert role_decides("instructor", Programme.REBOND_INDUSTRIEL_INGENIERIE)
    assert not role_advises("region-council", Programme.REBOND_INDUSTRIEL_INGENIERIE)


def test_a_ds_dossiers_regional_envelope_is_one_the_catalogue_opens_for_each_region():
    """The DS door's `by-region` envelope and the catalogue's regional seeds are named by one function."""
    opened = {s.envelope_id for s in ENVELOPE_SEEDS}
    regional = {regional_envelope_id(Programme.FONDS_VERT_TI, 2024, r) for r in Region}
    assert "fonds-vert-ti-2024-r44" in regional
    assert regional <= opened
