"""The demonstration data says it is synthetic in every record it sends, so every figure it makes is labelled."""

from __future__ import annotations

from tdi_localstack.demo import MARNE_BINOMES, binome_body
from tdi_localstack.demo_data import DemoTerritory, fonds_vert_applications, vte_contracts

TERRITORIES = [
    DemoTerritory("tdi-44-grand-reims", ("44",), ("51",), ("51454", "51012")),
    DemoTerritory("tdi-75-x", ("75",), ("86",)),
]


def test_every_binome_dossier_and_vte_contract_of_the_demo_is_sent_as_synthetic():
    binomes = [binome_body(n) for count in MARNE_BINOMES.values() for n in range(count)]
    dossiers = fonds_vert_applications(TERRITORIES, {"44": "fonds-vert-ti-2024-r44", "75": "fonds-vert-ti-2024-r75"})
    contracts = [c for c, _ in vte_contracts(TERRITORIES)]
    assert (len(binomes), len(dossiers), len(contracts)) == (14, 16, 300)
    assert all(record["synthetic"] is True for record in [*binomes, *dossiers, *contracts])


def test_the_demo_fonds_vert_dossiers_declare_what_the_sources_require__P541():
    """P:541 « Ces projets, soutenus par les collectivités locales concernées, … en lien avec la stratégie industrielle
    des territoires »: without the declarations the Fonds vert refuses them."""
    dossiers = fonds_vert_applications(TERRITORIES, {"44": "fonds-vert-ti-2024-r44", "75": "fonds-vert-ti-2024-r75"})
    assert all(d["supported_by_local_authorities"] and d["linked_to_territory_strategy"] for d in dossiers)


def test_the_demo_sets_synthetic_ceilings_only_where_none_is_published_within_the_national_100_million__P75_M274():
    """P:75 « 100 millions d'euros du Fonds vert pour l'année 2024 »; M:274 Grand Est 7,9 M€: the 17 other regional
    shares are not published, so the demo sets them as staff would, labelled synthetic, and they fit in 92.1 M€."""
    from tdi_contracts.money import eur
    from tdi_contracts.reference import Region
    from tdi_localstack.demo_data import APPROVED_PER_REGION, MAX_REQUESTED, synthetic_ceilings

    counts = {r.value: (1 if r is Region.MAYOTTE else 25 if r.value == "84" else 10) for r in Region}
    ceilings = synthetic_ceilings(counts)
    assert set(ceilings) == {r.value for r in Region} - {"44"}
    assert sum(ceilings.values()) == eur(92_100_000)
    assert min(ceilings.values()) >= APPROVED_PER_REGION * MAX_REQUESTED, "every approval of the demo fits"
    assert ceilings["84"] > ceilings[Region.MAYOTTE.value], "a region of 25 territories gets more than one of 1"


def test_every_demo_vte_contract_stands_in_a_commune_its_territory_holds_never_a_code_made_up_from_a_departement():
    """Issue 24: the vte service locates by commune and holds a contract while its territory's perimeter is unknown;
    the demo sends its 300 contracts only in communes of the territories it gave a perimeter (`perimeters`)."""
    contracts = [c for c, _ in vte_contracts(TERRITORIES)]
    assert len(contracts) == 300
    assert {(c["territory_id"], c["establishment"]["commune_insee"]) for c in contracts} == {
        ("tdi-44-grand-reims", "51454"), ("tdi-44-grand-reims", "51012")
    }  # fmt: skip
