"""The money ledger on real PostgreSQL (issue 26, done-when): the demo's money reconciles (`python -m tdi_reporting
reconcile` exits 0); with one VTE payout missing, it lists exactly that gap and exits non-zero, until staff explain
it; the ledger and its gaps are exported like every read model."""

from __future__ import annotations

import csv
import io
import json

import ledger_demo
import pytest
import scenario

from tdi_contracts.events.funding import GrantCommitted, LedgerGapExplained, StateTransferMade
from tdi_contracts.events.vte import VteAidGrantedV2
from tdi_reporting.ledger import gap_reference

from .conftest import fold_directly, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


async def test_the_demos_ledger_reconciles(reporting_service, platform_stack, settings, options):
    async with reporting_service() as client:
        pool = client._transport.app.state.runtime.pool
        events, _ = ledger_demo.demo_money("whole")
        await fold_directly(pool, scenario.territories())
        await fold_directly(pool, events)

        code, out, err = await run_cli(platform_stack, settings, options, "reconcile")
        assert code == 0, out + err
        assert "0 unexplained" in out

        ledger = (await client.get("/api/ledger")).json()
        totals = ledger["totaux"]
        grants = [e for e in events if isinstance(e, GrantCommitted)]
        aids = [e for e in events if isinstance(e, VteAidGrantedV2)]
        transfers = [e for e in events if isinstance(e, StateTransferMade)]
        assert totals["engage_centimes"] == sum(g.amount_cents for g in grants) + sum(a.total_cents for a in aids)
        paid_by_the_state = sum(g.amount_cents for g in grants) + sum(t.amount_cents for t in transfers)
        assert totals["verse_etat_centimes"] == paid_by_the_state
        assert totals["verse_operateur_centimes"] == sum(a.total_cents for a in aids)
        assert ledger["ecarts_non_expliques"] == 0 and ledger["ecarts"] == []
        vte_2023 = [r for r in ledger["lignes"] if r["programme"] == "vte" and r["annee"] == 2023 and r["territoire"]]
        assert {r["operateur"] for r in vte_2023} == {"Bpifrance"}


async def test_one_missing_payout_is_listed_as_exactly_that_gap_until_staff_explain_it(
    reporting_service, platform_stack, settings, options
):
    async with reporting_service() as client:
        pool = client._transport.app.state.runtime.pool
        events, left_out = ledger_demo.demo_money("one-missing", without_payout=7)
        await fold_directly(pool, events)

        code, out, err = await run_cli(platform_stack, settings, options, "reconcile", "--json")
        assert code == 1, out + err
        [gap] = json.loads(out)
        expected = ("versement-attendu", f"contrat-vte:{left_out['contract']}", False)
        assert (gap["cause"], gap["objet"], gap["explique"]) == expected
        assert (gap["programme"], gap["annee"], gap["verse_centimes"]) == ("vte", 2023, 0)
        assert gap["ecart_centimes"] == gap["engage_centimes"] >= 400_000
        assert gap["reference"] == gap_reference("versement-attendu", gap["objet"])
        code, out, _ = await run_cli(platform_stack, settings, options, "reconcile")
        assert code == 1 and "1 unexplained" in out and gap["reference"] in out and "Versement attendu" in out

        code, out, _ = await run_cli(platform_stack, settings, options, "reconcile", "--year", "2024")
        assert code == 0, out  # the gap is of 2023

        exported = await client.get("/api/exports/ecarts.csv")
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert [(r["reference"], r["explique"]) for r in rows] == [(gap["reference"], "non")]

        explanation = "Versement suspendu : pièces justificatives attendues."
        note = {"gap_reference": gap["reference"], "explanation": explanation, "explained_on": "2025-02-03"}
        note = LedgerGapExplained.model_validate_json(json.dumps(note))
        await fold_directly(pool, [note])
        code, out, _ = await run_cli(platform_stack, settings, options, "reconcile")
        assert code == 0 and "0 unexplained" in out and "pièces justificatives" in out


async def test_the_ledger_follows_the_filters_and_who_sees_what(reporting_service):
    from .conftest import FONDS_VERT_TOKEN

    async with reporting_service() as client:
        marne = (await client.get("/api/ledger", params={"departement": "51"})).json()
        assert marne["lignes"]
        assert {r["libelle_territoire"] for r in marne["lignes"]} <= {"Grand Reims", "Pays de Châlons"}
        assert all(r["territoire"] for r in marne["lignes"])  # the State's transfers are national lines
        instructor = {"Authorization": f"Bearer {FONDS_VERT_TOKEN}"}
        mine = (await client.get("/api/ledger", headers=instructor)).json()
        assert {r["programme"] for r in mine["lignes"]} == {"fonds-vert-ti"}
        book = await client.get("/api/exports/grand_livre.xlsx", params={"region": "44"})
        assert book.status_code == 200 and book.headers["content-type"].startswith("application/vnd.openxml")
