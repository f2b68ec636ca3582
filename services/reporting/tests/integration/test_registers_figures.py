"""`/api/figures` counts the programme's registers (issue 24): sites clés en main per region with the 5-to-10
flag (P:580), the Rebond industriel laureates, the écoles de production beside the published figures (P:683,
P:687), and the network of chefs de projet per region (P:466, P:477)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import scenario

from tdi_contracts.events.territory import (
    EcoleDeProductionRecorded,
    RebondLaureateRecorded,
    RegionalChefDeProjetAppointed,
    RegionalChefDeProjetEnded,
    SiteProposed,
    SiteSelected,
)

from .conftest import REGIONAL_TOKEN, eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


def _wire(model: type[Any], **values: Any) -> Any:
    return model.model_validate_json(json.dumps(values, default=str))


def _id(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"registers-{seed}"))


def site(n: int, region: str, departement: str, commune: str, territory: str | None) -> Any:
    return _wire(
        SiteProposed,
        site_id=_id(f"site-{region}-{n}"),
        region=region,
        departement=departement,
        commune_insee=commune,
        territory_id=territory,
        name=f"Site {n}",
        criteria=["maitrise-fonciere"] if n % 2 else [],
        maturity="friche-a-rehabiliter",
        proposed_on="2023-12-01",
        synthetic=n == 0,
    )


def register_events() -> list[Any]:
    grand_est = [site(n, "44", "51", "51454", scenario.REIMS) for n in range(10)]
    grand_est.append(site(10, "44", "51", "51230", None))  # the 11th, outside every territory (P:599)
    bretagne = [site(n, "53", "35", "35238", None) for n in range(3)]
    selected = _wire(SiteSelected, site_id=_id("site-44-1"), region="44", selected_on="2024-02-15")
    ecole = _wire(
        EcoleDeProductionRecorded,
        ecole_id=_id("ecole"),
        region="44",
        departement="51",
        commune_insee="51454",
        territory_id=scenario.REIMS,
        name="École de production de Reims",
        opened_on="2022-09-01",
        via_programme=True,
    )
    laureate = _wire(
        RebondLaureateRecorded,
        territory_id=scenario.REIMS,
        laureate_since="2023-06-01",
        source="Démonstration",
        synthetic=True,
    )
    posts = [
        _wire(RegionalChefDeProjetAppointed, post_id=_id("post-44"), region="44", employer="prefecture",
              appointed_on="2024-03-01"),
        _wire(RegionalChefDeProjetAppointed, post_id=_id("post-53"), region="53", employer="conseil-regional",
              appointed_on="2024-03-01"),
        _wire(RegionalChefDeProjetEnded, post_id=_id("post-53"), region="53", ended_on="2024-12-31"),
    ]  # fmt: skip
    return [*grand_est, *bretagne, selected, ecole, laureate, *posts]


async def _folded(client: Any) -> Any:
    f = (await client.get("/api/figures")).json()
    registres = f.get("registres")
    if not registres or registres["sites_cles_en_main"]["proposes"] != 14 or not registres["reseau_chefs_de_projet"]:
        return None
    return f if registres["reseau_chefs_de_projet"]["postes_regionaux"] == 1 else None


async def test_the_registers_are_counted_per_region_with_the_five_to_ten_flag__P580(reporting_service, publish):
    async with reporting_service() as client:
        await publish(scenario.territories() + register_events())
        national = (await eventually(lambda: _folded(client)))["registres"]
        marne = (await client.get("/api/figures", params={"departement": "51"})).json()["registres"]
        reims = (await client.get("/api/figures", params={"territory": scenario.REIMS})).json()["registres"]
        client.headers["Authorization"] = f"Bearer {REGIONAL_TOKEN}"
        regional = (await client.get("/api/figures")).json()["registres"]

    sites = national["sites_cles_en_main"]
    assert (sites["objectif_national"], sites["par_region_attendus"], sites["premiere_releve"]) == (
        50,
        [5, 10],
        "2023-12-01",
    )
    assert (sites["proposes"], sites["retenus"], sites["hors_territoires"], sites["synthetiques"]) == (14, 1, 4, 2)
    assert (sites["par_maturite"], sites["accompagnes"]) == ({"friche-a-rehabiliter": 14}, 0)
    assert sites["par_region"] == [
        {"region": "44", "libelle_region": "Grand Est", "proposes": 11, "retenus": 1, "flag": "plus-de-10"},
        {"region": "53", "libelle_region": "Bretagne", "proposes": 3, "retenus": 0, "flag": "moins-de-5"},
    ]
    assert national["ecoles_de_production"] == {
        "publie": {"ouvertes": 65, "ouvertes_en_2020": 25, "objectif_2027": 100, "via_programme": 39},
        "registre": {"ecoles": 1, "via_programme": 1, "synthetiques": 0},
    }
    assert national["rebond_industriel"]["laureats"] == 1 and national["rebond_industriel"]["synthetiques"] == 1
    assert national["rebond_industriel"]["territoires"] == [{"id": scenario.REIMS, "nom": "Grand Reims"}]
    network = {r["region"]: r for r in national["reseau_chefs_de_projet"]["par_region"]}
    assert (network["44"]["postes_regionaux"], network["44"]["postes_des_territoires"]) == (1, 1)
    assert (network["44"]["territoires"], network["44"]["territoires_sans_chef_de_projet"]) == (2, 1)
    assert network["53"]["postes_regionaux"] == 0  # ended

    assert marne["sites_cles_en_main"]["proposes"] == 11
    assert reims["sites_cles_en_main"]["proposes"] == 10 and reims["ecoles_de_production"]["registre"]["ecoles"] == 1
    assert [r["region"] for r in regional["sites_cles_en_main"]["par_region"]] == ["44"]
