"""A shadow read model (issue 26): a new fold definition computed from the event history into a schema of its own
and compared with the published figures before it is switched on; `compare` lists exactly the figures it changes."""

from __future__ import annotations

import json

import pytest
import scenario

from tdi_contracts.events.funding import GrantCommitted
from tdi_reporting import folding
from tdi_reporting.folding import definition
from tdi_reporting.folds_funding import _GRANT
from tdi_reporting.repositories import ReportingUnitOfWork

from .conftest import fold_directly, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ONE_CENT_LESS = 7


@pytest.fixture
def deliberately_different():
    """Definition 7: a grant commits one cent less than its event says (a definition that must not go live)."""

    @definition(ONE_CENT_LESS).handles(GrantCommitted)
    async def grant_committed_one_cent_less(p: GrantCommitted, uow: ReportingUnitOfWork) -> None:
        operator = p.operator.value if p.operator else None
        args = (p.territory_id, p.envelope_id, p.programme.value, p.amount_cents - 1, p.committed_on, operator)
        await uow.defer(_GRANT, str(p.grant_id), *args)

    yield ONE_CENT_LESS
    del folding.DEFINITIONS[ONE_CENT_LESS]


async def test_a_different_definition_is_computed_in_a_shadow_and_compare_lists_exactly_the_figures_it_changes(
    reporting_service, platform_stack, settings, options, deliberately_different
):
    async with reporting_service() as client:
        pool = client._transport.app.state.runtime.pool
        await fold_directly(pool, scenario.territories())
        await fold_directly(pool, scenario.programme()[len(scenario.territories()) :])
        live = (await client.get("/api/figures")).json()

        code, out, err = await run_cli(platform_stack, settings, options, "shadow", "--definition", "7")
        assert code == 0, err
        assert "definition 7" in out and f"{await pool.fetchval('SELECT count(*) FROM event_log')} events" in out
        code, out, err = await run_cli(platform_stack, settings, options, "compare", "--json")
        assert code == 0, err
        differences = json.loads(out)
        keys = ("read_model", "level", "zone", "measure", "published", "shadow")
        found = {tuple(d[k] for k in keys) for d in differences}
        committed, envelope = 100_000_000, scenario.ENVELOPE
        assert found == {
            ("financements", "national", "FR", "engage_centimes", committed, committed - 1),
            ("financements", "region", "44", "engage_centimes", committed, committed - 1),
            ("financements", "departement", "51", "engage_centimes", committed, committed - 1),
            ("financements", "territory", scenario.REIMS, "engage_centimes", committed, committed - 1),
            ("enveloppes", "national", envelope, "engage_centimes", committed, committed - 1),
            ("enveloppes", "national", envelope, "disponible_centimes", 690_000_000, 690_000_001),
        }
        funding = [d for d in differences if d["read_model"] == "financements"]
        assert all(d["dimensions"] == {"programme": "fonds-vert-ti"} for d in funding)
        assert (await client.get("/api/figures")).json() == live  # nothing published changed

        code, out, err = await run_cli(platform_stack, settings, options, "shadow", "--definition", "1")
        assert code == 0, err
        code, out, err = await run_cli(platform_stack, settings, options, "compare", "--json")
        assert (code, json.loads(out)) == (0, [])  # the published definition computed again: the same figures


async def test_an_unknown_definition_is_refused_with_its_reason(reporting_service, platform_stack, settings, options):
    async with reporting_service():
        code, out, err = await run_cli(platform_stack, settings, options, "shadow", "--definition", "99")
        assert code == 2 and "99" in out + err
