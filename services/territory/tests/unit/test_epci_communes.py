"""Every commune of every EPCI (issue 24, A3): what joining an EPCI assigns, the aliases a locator needs, which
EPCI a commune of the national file goes through, and when a territory's perimeter is known.

Sources: `P:100` « 149 territoires … soit plus de 500 EPCI » and `P:472-473` (a territory is made of
intercommunalités); `P:673` « les entreprises situées en Territoires d'industrie » (a company is located by the
commune of its establishment: platform rule, `domain.md`)."""

from tdi_territory.perimeter.communes import (
    CommuneAssignment,
    aliases_of,
    commune_epci,
    epci_communes,
    perimeter_known,
)
from tdi_territory.reference.cog import load_cog

REIMS_CU = "200067213"  # CU du Grand Reims, 143 communes in the 2026 COG
AMP = "200054807"  # Métropole d'Aix-Marseille-Provence, 92 communes
VILLES_SOEURS = "247600588"


def test_joining_an_epci_assigns_every_one_of_its_communes_with_the_epci__P100_P472() -> None:
    communes = epci_communes(load_cog(), REIMS_CU)
    assert communes is not None and len(communes) == 143
    assert CommuneAssignment("51454", "Reims", "51", REIMS_CU) in communes
    assert CommuneAssignment("51573", "Tinqueux", "51", REIMS_CU) in communes


def test_an_epci_of_two_departements_gives_each_commune_its_own_departement() -> None:
    communes = epci_communes(load_cog(), VILLES_SOEURS)  # Eu (76) and Mers-les-Bains (80)
    assert communes is not None
    assert {c.departement for c in communes} == {"76", "80"}


def test_an_epci_unknown_to_the_vendored_cog_assigns_nothing() -> None:
    assert epci_communes(load_cog(), "200067403") is None


def test_the_marseille_arrondissements_are_aliases_of_marseille_in_aix_marseille_provence__P673() -> None:
    """SIRENE gives 13203 for an establishment in Marseille's 3rd arrondissement; the EPCI lists 13055."""
    aliases = dict((a.alias, (a.insee, a.kind)) for a in aliases_of(load_cog(), ["13055"]))
    assert len(aliases) == 16 and aliases["13203"] == ("13055", "arrondissement")


def test_a_commune_nouvelle_brings_its_former_codes_and_its_communes_deleguees() -> None:
    kinds = {a.kind for a in aliases_of(load_cog(), ["01015"])}  # Arboys en Bugey: Arbignieu + Saint-Bois
    assert kinds <= {"ancien", "delegue", "associe"} and kinds


def test_a_commune_of_the_file_goes_through_its_own_epci_when_the_territory_holds_it() -> None:
    assert commune_epci(load_cog(), "51454", [VILLES_SOEURS, REIMS_CU]) == (REIMS_CU, False)


def test_a_commune_of_the_file_goes_through_the_only_epci_of_its_territory_and_a_mismatch_is_flagged() -> None:
    assert commune_epci(load_cog(), "51454", ["200067403"]) == ("200067403", True)


def test_a_commune_of_a_territory_of_several_epci_none_of_them_its_own_keeps_its_own_epci_flagged() -> None:
    assert commune_epci(load_cog(), "51454", ["200067403", "245100581"]) == (REIMS_CU, True)


def test_a_commune_unknown_to_the_cog_in_a_territory_of_several_epci_has_no_epci() -> None:
    assert commune_epci(load_cog(), "51999", ["200067403", "245100581"]) == (None, False)


def test_a_perimeter_is_known_when_the_territory_has_epci_and_each_is_in_the_cog() -> None:
    cog = load_cog()
    assert perimeter_known(cog, [REIMS_CU, AMP])
    assert not perimeter_known(cog, [])
    assert not perimeter_known(cog, [REIMS_CU, "200067403"])
