"""The event types added in contracts 0.2.0 fold into the same read models as the first ones."""

from __future__ import annotations

import pytest
import scenario

from .conftest import eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


async def _figures(client, **filters):
    return (await client.get("/api/figures", params=filters)).json()


async def _all_folded(client):
    f = await _figures(client)
    ready = f["vte_total"]["aides_logement"] == 1 and f["fiches_synthetiques"] == 1
    return f if ready and f["financements_total"]["demandes_retirees"] == 1 else None


async def test_proposed_fiches_withdrawals_balances_and_the_v2_vte_flow_show_in_the_figures(reporting_service, publish):
    async with reporting_service() as client:
        await publish(scenario.programme() + scenario.later_events())
        national = await eventually(lambda: _all_folded(client))

        assert national["fiches_actions"] == len(scenario.FICHES) + 1
        proposed = [r for r in national["actions_par_categorie"] if r["statut"] == "proposed"]
        assert [(r["categorie"], r["libelle_statut"]) for r in proposed] == [("marque-employeur", "Proposée")]
        assert national["financements_total"]["demandes_deposees"] == 4
        assert national["financements_total"]["demandes_en_instruction"] == 1

        [envelope] = national["enveloppes"]  # the funding service's balance wins over the sum of grants
        assert (envelope["engage_centimes"], envelope["disponible_centimes"]) == (150_000_000, 640_000_000)

        vte = national["vte_total"]
        assert (vte["contrats_signes"], vte["contrats_verts"], vte["aides_versees"]) == (4, 2, 3)
        assert vte["aide_totale_centimes"] == 1_600_000 + 700_000  # the v2 contract paid in two payments
        assert (vte["aide_demandee_centimes"], vte["aide_logement_centimes"]) == (200_000, 150_000)
        occitanie = (await _figures(client, region="76"))["vte"]
        assert [(r["taille_entreprise"], r["aide_verte_centimes"]) for r in occitanie] == [("eti", 300_000)]


async def _synthetic_folded(client):
    f = await _figures(client)
    return f if f["synthetique"]["contrats_vte"] == 2 and f["synthetique"]["binomes"] == 1 else None


async def test_every_synthetic_figure_of_the_demonstration_data_is_labelled_as_such(reporting_service, publish):
    async with reporting_service() as client:
        await publish(scenario.programme() + scenario.synthetic_events())
        national = await eventually(lambda: _synthetic_folded(client))
        marne = await _figures(client, departement="51")
        occitanie = await _figures(client, region="76")

    fiches = national["fiches_synthetiques"]  # the module's other test published a synthetic fiche in Guadeloupe
    assert national["synthetique"] == {"fiches_actions": fiches, "binomes": 1, "demandes": 1, "contrats_vte": 2}
    assert marne["synthetique"] == {"fiches_actions": 0, "binomes": 1, "demandes": 1, "contrats_vte": 0}
    assert occitanie["synthetique"] == {"fiches_actions": 0, "binomes": 0, "demandes": 0, "contrats_vte": 1}
