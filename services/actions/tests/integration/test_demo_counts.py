"""Done-when: with the demonstration loaded, the service's counts (through its API, on the real stack) are the
published figures, nationally and for the Marne; a second load changes nothing."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest

from tdi_actions.cli import load_demo
from tdi_contracts.reference import Category
from tdi_contracts.topics import FICHE_ACTION
from tdi_runtime.testing import unique_name

from .conftest import make_territories

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def schema() -> str:
    """The national counts need a schema holding the demonstration alone."""
    return unique_name("actions_demo")


@pytest.fixture(scope="module")
def suffix() -> str:
    return unique_name("")


@pytest.fixture(scope="module")
def territories(suffix):
    return make_territories(suffix)


MARNE_TYPOLOGY = {"competences": 35, "transition-ecologique": 26, "foncier": 24, "innovation": 15}


async def run_demo(platform_stack, schema) -> tuple[int, str, str]:
    """`python -m tdi_actions demo` on this module's schema, as ops would run it next to the service."""
    env = {
        **os.environ,
        **platform_stack.env(),
        "TDI_ACTIONS_DATABASE_URL": platform_stack.database_url,
        "TDI_ACTIONS_DB_SCHEMA": schema,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tdi_actions",
        "demo",
        "--wait",
        "0",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_demonstration_reproduces_the_published_counts_nationally_and_in_the_marne(
    actions_service, platform_stack, schema, db
):
    async with actions_service() as (app, client):
        began = time.monotonic()
        code, out, err = await run_demo(platform_stack, schema)
        print(f"\nfirst load of the demonstration (python -m tdi_actions demo): {time.monotonic() - began:.1f} s")
        assert code == 0, err
        assert "Créées : 2150" in out and "refusées : 0" in out, out
        national = (await client.get("/counts")).json()
        marne = (await client.get("/counts", params={"departement": "51"})).json()
        grand_est = (await client.get("/counts", params={"region": "44"})).json()
        synthetic = await db.fetchval("SELECT bool_and(synthetic AND title LIKE '[Démo]%') FROM fiches")
        page = (await client.get("/fiches", params={"departement": "51", "limit": 20, "offset": 20})).json()
        events = await db.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", FICHE_ACTION.name)
        began = time.monotonic()
        again = await load_demo(app.state.runtime.pipeline)
        print(f"\nsecond load of the demonstration (in-process): {time.monotonic() - began:.1f} s")
        after = (await client.get("/counts")).json()
        events_after = await db.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", FICHE_ACTION.name)

    print(
        f"\nnational: {national['fiches']} fiches; Marne: {marne['fiches']} fiches, typology "
        f"{ {a['axis']: a['share_percent'] for a in marne['by_axis']} }"
    )
    assert national["fiches"] == 2150
    assert {c["category"]: c["fiches"] for c in national["by_category"]} == {
        c.value: c.actions_at_launch for c in Category
    }
    assert marne["fiches"] == 39
    assert {a["axis"]: a["share_percent"] for a in marne["by_axis"]} == MARNE_TYPOLOGY
    assert grand_est["fiches"] >= 39
    assert synthetic is True
    assert (page["total"], len(page["fiches"])) == (39, 19)
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": 2150, "refused": 0}
    assert after == national
    assert events == events_after == 2 * 2150  # FicheActionProposed then FicheActionPlanned, once each
