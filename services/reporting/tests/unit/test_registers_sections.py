"""The `registres` section of /api/figures, pure (issue 24): filters, the 5-to-10 flag (P:580), published figures
kept apart from the register's count (P:683, P:687), the network per region (P:466, P:477)."""

from datetime import date

from tdi_reporting.geography import Filters
from tdi_reporting.registers import ecoles_section, network_section, rebond_section, sites_section


def site(region: str, departement: str, territory: str | None, selected: bool = False) -> dict:
    return {
        "site_id": f"{departement}-{territory}-{selected}",
        "maturity": "friche-a-rehabiliter",
        "region": region,
        "departement": departement,
        "territory_id": territory,
        "selected_on": date(2024, 2, 15) if selected else None,
        "synthetic": False,
    }


SITES = [site("44", "51", "tdi-44-grand-reims", True)] + [site("44", "57", None)] * 4 + [site("53", "35", None)]


def test_a_region_below_five_sites_is_flagged_and_a_departement_filter_keeps_its_sites__P580() -> None:
    national = sites_section(SITES, Filters())
    assert [(r["region"], r["proposes"], r["flag"]) for r in national["par_region"]] == [
        ("44", 5, "dans-la-fourchette"),
        ("53", 1, "moins-de-5"),
    ]
    assert (national["proposes"], national["retenus"], national["hors_territoires"]) == (6, 1, 5)
    assert sites_section(SITES, Filters(departement="51"))["proposes"] == 1
    supports = [{"site_id": "51-tdi-44-grand-reims-True", "support": "financement", "amount_cents": 25_000_000}]
    marne = sites_section(SITES, Filters(departement="51"), supports)
    assert (marne["accompagnes"], marne["soutiens"], marne["financements_connus_centimes"]) == (
        1,
        {"financement": 1},
        25_000_000,
    )
    assert sites_section(SITES, Filters(region="53"), supports)["accompagnes"] == 0
    assert sites_section(SITES, Filters(territory="tdi-44-grand-reims"))["retenus"] == 1


def test_the_published_ecoles_figures_never_change_with_the_register__P683_P687() -> None:
    section = ecoles_section([], Filters(region="44"))
    assert section["publie"] == {"ouvertes": 65, "ouvertes_en_2020": 25, "objectif_2027": 100, "via_programme": 39}
    assert section["registre"] == {"ecoles": 0, "via_programme": 0, "synthetiques": 0}


TERRITORIES = {
    "tdi-44-grand-reims": {
        "name": "Grand Reims",
        "labelled": True,
        "regions": ["44"],
        "departements": ["51"],
        "chefs_de_projet": ["p1"],
    },
    "tdi-75-lacq-pau-tarbes": {
        "name": "Lacq – Pau – Tarbes",
        "labelled": True,
        "regions": ["75", "76"],
        "departements": ["64", "65"],
        "chefs_de_projet": ["p2"],
    },
}


def test_a_shared_or_interregional_post_counts_once_per_region_beside_the_regional_posts__P466() -> None:
    posts = [{"region": "76", "ended_on": None, "synthetic": True}]
    rows = {r["region"]: r for r in network_section(posts, TERRITORIES, Filters())["par_region"]}
    assert (rows["76"]["postes_regionaux"], rows["76"]["postes_des_territoires"]) == (1, 1)
    assert (rows["75"]["postes_regionaux"], rows["44"]["territoires_sans_chef_de_projet"]) == (0, 0)
    assert [r["region"] for r in network_section(posts, TERRITORIES, Filters(region="44"))["par_region"]] == ["44"]


def test_a_laureate_counts_in_the_zones_of_its_territory() -> None:
    laureates = [{"territory_id": "tdi-44-grand-reims", "synthetic": False}]
    assert rebond_section(laureates, TERRITORIES, Filters(region="44"))["laureats"] == 1
    assert rebond_section(laureates, TERRITORIES, Filters(region="76"))["laureats"] == 0
