"""Issue 25's first done-when, on the real stack: a Démarches simplifiées dossier moves through every state, twice
and out of order, and ends as one funding application in the right state with the right amount, which the
dashboard (reporting's read API) shows once, in that state.

The local DS (the vendored schema served by ariadne, `runtime/tests/demarches_fake.py`) runs on a uvicorn of its
own (`served`); funding runs with its DS door opened by a settings file (the example's, numbered for the test) and
its relay on the session's Kafka; reporting reads the domain topics with a group of its own. The territory (platform
id of this test only) holds Reims (51454), the dossier's commune, in funding's projection; reporting learns it from
its reference event, as from the territory service.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_contracts.registry import spec_for
from tdi_contracts.wire import encode_event, envelope_for
from tdi_funding.app import create_app as create_funding
from tdi_funding.demarches import application_id
from tdi_reporting.app import create_app as create_reporting
from tdi_reporting.options import ReportingOptions
from tdi_runtime.doors.demarches import store
from tdi_runtime.doors.demarches.poller import DemarchesDoor
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.testing import caught_up, publish_records, unique_name, until

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "runtime" / "tests"))  # the local DS of the kit's own door tests

from demarches_fake import TOKEN, FakeDemarches, at, eligible_fonds_vert_dossier, served  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

EXAMPLE = REPO / "deploy" / "ds" / "fonds-vert-ti.example.toml"
DEMARCHE, NUMBER = 4242, 1001
STAFF = "ds-e2e-staff-token"
AS_STAFF = {"Authorization": f"Bearer {STAFF}"}
ENVELOPE = "fonds-vert-ti-2024-r44"  # Grand Est's, 2024 (the dossier was deposited in February 2024)
REQUESTED, GRANTED = 25_000_050, 18_000_000  # « 250000.5 » € asked, « 180000 » € in the private annotation


def ds_dossier(state: str, minute: float) -> dict[str, Any]:
    """The dossier of this story, as DS shows it at `minute`."""
    return eligible_fonds_vert_dossier(NUMBER, state, at(minute))


async def know_territory(funding_pool: Any, bootstrap: str, territory: str) -> None:
    """The territory holding Reims in funding's projection (its perimeter: the commune), and its reference event
    on the territory topic for reporting."""
    await funding_pool.execute(
        "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
        " epci_sirens, active_binomes, chefs_de_projet, revision, as_of, perimeter_known)"
        " VALUES ($1, NULL, 'Grand Reims (DS)', true, '{44}', '{51}', '{200067213}', 1, '{}', 1, now(), true)",
        territory,
    )
    await funding_pool.execute(
        "INSERT INTO known_communes (insee, territory_id, epci_siren, departement, assigned_on)"
        " VALUES ('51454', $1, '200067213', '51', current_date)",
        territory,
    )
    reference = TerritoryReferenceUpdated.model_validate_json(  # as read off the wire (strict models)
        json.dumps(
            {
                "territory_id": territory,
                "revision": 1,
                "name": "Grand Reims (DS)",
                "labelled": True,
                "regions": ["44"],
                "departements": ["51"],
                "epci_sirens": ["200067213"],
                "active_binomes": 1,
                "chefs_de_projet": [],
                "as_of": "2024-01-02T00:00:00Z",
            }
        )
    )
    spec = spec_for(reference)
    record = encode_event(envelope_for(reference, spec.service), reference)
    await publish_records(bootstrap, spec.topics[0], [record])


async def test_a_ds_dossier_through_every_state_twice_and_out_of_order_is_one_application_on_the_dashboard(
    platform_stack: Any, run_service: Any, tmp_path: Path
) -> None:
    territory = f"tdi-44-{unique_name('ds')}".replace("_", "-")
    mapping = tmp_path / "fonds-vert.toml"
    mapping.write_text(EXAMPLE.read_text(encoding="utf-8").replace("demarche = 1\n", f"demarche = {DEMARCHE}\n"))
    fake = FakeDemarches({DEMARCHE})
    reporting_options = ReportingOptions(consumer_group=unique_name("tdi-reporting-ds"))
    reporting_settings = ServiceSettings.for_service(
        "reporting",
        database_url=platform_stack.database_url,
        db_schema=unique_name("reporting_ds"),
        log_json=False,
        api_tokens={STAFF: "staff"},
    )
    reporting_app = create_reporting(reporting_settings, reporting_options)

    async with served(fake) as endpoint:
        door_settings = DemarchesSettings(
            mapping_files=[mapping], token=TOKEN, endpoint=endpoint, poll_interval_s=3600, page_size=2
        )
        async with (
            run_service(
                functools.partial(create_funding, group=unique_name("tdi-funding-ds"), demarches=door_settings),
                "funding",
                database_url=platform_stack.database_url,
                db_schema=unique_name("funding_ds"),
                api_tokens={STAFF: "staff"},
                start_consumers=False,  # its projection is this test's rows (other tests' territories stay out)
            ) as (funding, funding_api),
            reporting_app.router.lifespan_context(reporting_app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=reporting_app), base_url="http://test", headers=AS_STAFF
            ) as dashboard,
        ):
            runtime = funding.state.runtime
            [door] = [d for d in runtime.doors if isinstance(d, DemarchesDoor)]
            await know_territory(runtime.pool, platform_stack.bootstrap_servers, territory)

            async def first_round_read() -> bool:  # the door's own round at start has read DS (still empty)
                return bool(fake.requests)

            await until(first_round_read, "the door's first round read the dossier", timeout_s=240, every_s=0.25)

            async def poll() -> None:
                """One round of the door (after its own background round, if one is in flight: one lock)."""
                assert not (await door.poll(DEMARCHE)).skipped

            # First seen « en construction », then DS moves it twice between two polls: « accepte » seen directly.
            fake.put(ds_dossier("en_construction", 0))
            await poll()
            await poll()  # seen twice: one effect
            fake.put(ds_dossier("en_instruction", 2))
            fake.put(ds_dossier("accepte", 3))
            await poll()
            fake.serve_stale(ds_dossier("en_instruction", 2))  # an older read, late
            await poll()
            # « Repasser en instruction », refused, back again, « classé sans suite », back again, accepted again;
            # each snapshot polled twice, an old « accepte » read late on the way.
            for state, minute in (
                ("en_instruction", 4),
                ("refuse", 5),
                ("en_instruction", 6),
                ("en_construction", 7),  # DS lets a dossier go back to the applicant: nothing changes here
                ("en_instruction", 8),
                ("sans_suite", 9),
                ("en_instruction", 10),
                ("accepte", 11),
            ):
                fake.put(ds_dossier(state, minute))
                await poll()
                if minute == 9:
                    fake.serve_stale(ds_dossier("accepte", 3))
                await poll()

            async with runtime.pool.acquire() as conn:
                letters = await store.open_dead_letters(conn, DEMARCHE)
            assert [(d.state, d.code, d.reason) for d in letters] == []
            app_id = application_id(DEMARCHE, NUMBER)
            listed = await funding_api.get("/applications", params={"territory_id": territory}, headers=AS_STAFF)
            assert listed.status_code == 200, listed.text
            assert [a["application_id"] for a in listed.json()["applications"]] == [str(app_id)]
            dossier = (await funding_api.get(f"/applications/{app_id}", headers=AS_STAFF)).json()
            envelope = (await funding_api.get(f"/envelopes/{ENVELOPE}", headers=AS_STAFF)).json()

            async def relayed_and_folded() -> bool:
                unsent = await runtime.pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                return unsent == 0 and await caught_up(
                    platform_stack.bootstrap_servers, reporting_options.consumer_group, reporting_options.topics
                )

            async def dashboard_shows_it() -> Any:
                figures = (await dashboard.get("/api/figures", params={"territory": territory})).json()
                total = figures.get("financements_total") or {}
                return figures if total.get("demandes_deposees") == 1 else None

            await until(dashboard_shows_it, "the dashboard shows the application", timeout_s=240, every_s=0.25)
            await until(
                relayed_and_folded, "every event of the story relayed and folded", timeout_s=240, every_s=0.25
            )  # every event of the story folded: the figures are the last ones
            figures = (await dashboard.get("/api/figures", params={"territory": territory})).json()

    assert dossier["state"] == "approved"
    assert (dossier["requested_cents"], dossier["granted_cents"], dossier["committed_cents"]) == (
        REQUESTED,
        GRANTED,
        GRANTED,
    )
    assert dossier["filed_by"] == "demarches-simplifiees"
    assert dossier["partner_reference"] == f"ds:{DEMARCHE}:{NUMBER}"
    assert dossier["details"]["demarches_link"] == (
        f"https://www.demarches-simplifiees.fr/procedures/{DEMARCHE}/dossiers/{NUMBER}"
    )
    assert [h["state"] for h in dossier["history"]] == [
        "filed",
        "under-instruction",
        "approved",
        "under-instruction",
        "refused",
        "under-instruction",
        "withdrawn",
        "under-instruction",
        "approved",
    ]
    assert envelope["committed_cents"] == GRANTED  # the first approval's commitment went back when it was reverted

    total = figures["financements_total"]
    assert {k: total[k] for k in _SHOWN} == {
        "demandes_deposees": 1,
        "demandes_en_instruction": 0,
        "demandes_accordees": 1,
        "demandes_refusees": 0,
        "demandes_retirees": 0,
        "montant_demande_centimes": REQUESTED,
        "montant_accorde_centimes": GRANTED,
        "engage_centimes": GRANTED,
    }


_SHOWN = (
    "demandes_deposees",
    "demandes_en_instruction",
    "demandes_accordees",
    "demandes_refusees",
    "demandes_retirees",
    "montant_demande_centimes",
    "montant_accorde_centimes",
    "engage_centimes",
)
