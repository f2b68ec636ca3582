"""The indicators feed (issue 23): reporting publishes `IndicatorsPublished` v2 on `tdi.reporting.indicators.v1`, one
record per scope (national, region, département, territory) with the dashboard's own figures, and publishes a scope
again only when one of its figures changed."""

from __future__ import annotations

import pytest
import scenario

from tdi_contracts.envelope import decode_event
from tdi_contracts.events.reporting import IndicatorsPublishedV2
from tdi_contracts.topics import REPORTING_INDICATORS
from tdi_reporting.indicators import publish_changed
from tdi_reporting.options import ReportingOptions

from .conftest import fold_directly

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def options(isolation) -> ReportingOptions:
    """The feed published when the test says (no background run racing it)."""
    return ReportingOptions(
        topic_prefix=isolation["prefix"], consumer_group=isolation["group"], indicators_interval_s=0
    )


async def published(pool, after_id: int = 0) -> dict[str, IndicatorsPublishedV2]:
    rows = await pool.fetch(
        "SELECT id, key, value, header_keys, header_values FROM outbox WHERE topic = $1 AND id > $2 ORDER BY id",
        REPORTING_INDICATORS.name,
        after_id,
    )
    found = {}
    for r in rows:
        headers = list(zip(r["header_keys"], r["header_values"], strict=True))
        _, payload = decode_event(r["key"], r["value"], headers)
        assert isinstance(payload, IndicatorsPublishedV2)
        assert r["key"] == payload.scope_id.encode(), "the record is keyed by its scope (compacted topic)"
        found[payload.scope_id] = payload
    return found


def total(rows: list[dict], measure: str) -> int:
    return sum(int(r[measure]) for r in rows)


async def test_every_scope_is_published_with_the_dashboards_figures_and_again_only_when_they_change(
    reporting_service,
):
    async with reporting_service() as client:
        runtime = client._transport.app.state.runtime
        pool = runtime.pool
        await fold_directly(pool, [*scenario.territories(), *scenario.fiches(), *scenario.funding(), *scenario.vte()])

        count = await publish_changed(pool, runtime.outbox)
        first = await published(pool)
        assert count == len(first) > 0
        assert {"fr", "region-44", "departement-51", scenario.REIMS} <= set(first)
        national = first["fr"]
        vte = (await client.get("/api/read-models/vte", params={"level": "national"})).json()["rows"]
        money = (await client.get("/api/read-models/financements", params={"level": "region"})).json()["rows"]
        territories = (await client.get("/api/read-models/territoires", params={"level": "national"})).json()["rows"]
        axes = (await client.get("/api/read-models/actions_axes", params={"level": "territory"})).json()["rows"]
        assert national.vte_contracts_signed == total(vte, "contrats_signes") > 0
        assert national.labelled_territories == total(territories, "territoires_labellises") > 0
        grand_est = [r for r in money if r["code_zone"] == "44"]
        assert first["region-44"].committed_cents == total(grand_est, "engage_centimes") > 0
        assert first["region-44"].paid_cents == total(grand_est, "verse_centimes")
        reims = {r["axe"]: int(r["fiches_actions"]) for r in axes if r["code_zone"] == scenario.REIMS}
        assert first[scenario.REIMS].fiches_actions.model_dump() == {
            axis.replace("-", "_"): reims.get(axis, 0)
            for axis in ("transition-ecologique", "foncier", "innovation", "competences")
        }

        last_id = await pool.fetchval("SELECT max(id) FROM outbox WHERE topic = $1", REPORTING_INDICATORS.name)
        assert await publish_changed(pool, runtime.outbox) == 0, "nothing changed: nothing published"

        await fold_directly(pool, scenario.later_events())  # among them, a VTE contract of Lacq-Pau-Tarbes
        again = await published(pool, last_id)
        assert again == {}, "a fold publishes nothing by itself: the feed does, on its interval"
        assert await publish_changed(pool, runtime.outbox) > 0
        changed = await published(pool, last_id)
        assert {"fr", "region-75", "departement-64", scenario.LACQ} <= set(changed)
        assert changed["fr"].vte_contracts_signed == national.vte_contracts_signed + 1
        unchanged = {s for s in first if s not in changed}
        assert scenario.AJACCIO in unchanged and "region-94" in unchanged, "a scope whose figures held still is quiet"
