"""The demonstration data says it is synthetic in every record it sends, so every figure it makes is labelled."""

from __future__ import annotations

from tdi_localstack.demo import MARNE_BINOMES, binome_body
from tdi_localstack.demo_data import DemoTerritory, fonds_vert_applications, vte_contracts

TERRITORIES = [DemoTerritory("tdi-44-grand-reims", ("44",), ("51",)), DemoTerritory("tdi-75-x", ("75",), ("86",))]


def test_every_binome_dossier_and_vte_contract_of_the_demo_is_sent_as_synthetic():
    binomes = [binome_body(n) for count in MARNE_BINOMES.values() for n in range(count)]
    dossiers = fonds_vert_applications(TERRITORIES, {"44": "fonds-vert-ti-2024-r44", "75": "fonds-vert-ti-2024-r75"})
    contracts = [c for c, _ in vte_contracts(TERRITORIES)]
    assert (len(binomes), len(dossiers), len(contracts)) == (14, 16, 300)
    assert all(record["synthetic"] is True for record in [*binomes, *dossiers, *contracts])
