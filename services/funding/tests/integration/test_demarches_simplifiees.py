"""The Démarches simplifiées door in the funding service, on the real PostgreSQL: a decision taken back after a
payment is a dead letter that leaves the dossier as it was; once staff settled it, the dossier filed on DS is the
platform's one dossier (the whole story to the dashboard: `tests/e2e/test_demarches_simplifiees.py`)."""

from __future__ import annotations

import asyncio
import functools
import sys
from pathlib import Path
from typing import Any

import pytest

from tdi_funding.app import create_app
from tdi_funding.demarches import application_id
from tdi_runtime.doors.demarches import store
from tdi_runtime.doors.demarches.poller import DemarchesDoor
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.testing import unique_name

from .conftest import STAFF_TOKEN

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "runtime" / "tests"))  # the local DS of the kit's own door tests

from demarches_fake import TOKEN, FakeDemarches, at, eligible_fonds_vert_dossier, served  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

EXAMPLE = REPO / "deploy" / "ds" / "fonds-vert-ti.example.toml"
DEMARCHE, NUMBER = 4343, 2001
AS_STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


async def first_round_read(fake: FakeDemarches) -> None:
    """The door's own first round (started with the service) has read DS: from now on, only our polls read it."""
    for _ in range(1200):
        if fake.requests:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the door never polled Démarches simplifiées")


def ds_dossier(state: str, minute: float) -> dict[str, Any]:
    """The dossier of this story, as DS shows it at `minute`."""
    return eligible_fonds_vert_dossier(NUMBER, state, at(minute))


async def test_a_decision_taken_back_on_ds_after_a_payment_is_a_dead_letter_and_the_dossier_stays_as_paid(
    platform_stack: Any, run_service: Any, tmp_path: Path
) -> None:
    territory = f"tdi-44-{unique_name('dsf')}".replace("_", "-")
    mapping = tmp_path / "fonds-vert.toml"
    mapping.write_text(EXAMPLE.read_text(encoding="utf-8").replace("demarche = 1\n", f"demarche = {DEMARCHE}\n"))
    fake = FakeDemarches({DEMARCHE})
    async with served(fake) as endpoint:
        door_settings = DemarchesSettings(mapping_files=[mapping], token=TOKEN, endpoint=endpoint, poll_interval_s=3600)
        async with run_service(
            functools.partial(create_app, group=unique_name("tdi-funding-dsf"), demarches=door_settings),
            "funding",
            database_url=platform_stack.database_url,
            db_schema=unique_name("funding_dsf"),
            api_tokens={STAFF_TOKEN: "staff"},
            start_consumers=False,
            start_relay=False,
            start_retention=False,
        ) as (app, client):
            runtime = app.state.runtime
            [door] = [d for d in runtime.doors if isinstance(d, DemarchesDoor)]
            await runtime.pool.execute(
                "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
                " epci_sirens, active_binomes, chefs_de_projet, revision, as_of, perimeter_known)"
                " VALUES ($1, NULL, 'Grand Reims (DS)', true, '{44}', '{51}', '{200067213}', 1, '{}', 1, now(), true)",
                territory,
            )
            await runtime.pool.execute(
                "INSERT INTO known_communes (insee, territory_id, epci_siren, departement, assigned_on)"
                " VALUES ('51454', $1, '200067213', '51', current_date)",
                territory,
            )
            app_id = application_id(DEMARCHE, NUMBER)
            await first_round_read(fake)

            fake.put(ds_dossier("accepte", 0))  # first seen accepted: filed, instructed, approved in one go
            assert (await door.poll(DEMARCHE)).outcomes == {"applied": 1}
            approved = (await client.get(f"/applications/{app_id}", headers=AS_STAFF)).json()
            paid = await client.post(
                f"/grants/{approved['grant_id']}/payments",
                json={"reference": "VIR-2024-001", "amount_cents": 5_000_000, "paid_on": "2024-04-02"},
                headers=AS_STAFF,
            )
            assert paid.status_code == 201, paid.text

            fake.put(ds_dossier("en_instruction", 5))  # « repasser en instruction » after the payment
            report = await door.poll(DEMARCHE)
            async with runtime.pool.acquire() as conn:
                letters = await store.open_dead_letters(conn, DEMARCHE)
            after = (await client.get(f"/applications/{app_id}", headers=AS_STAFF)).json()

    assert report.outcomes == {"refused": 1}
    assert [(d.number, d.state, d.code) for d in letters] == [
        (NUMBER, "en_instruction", "DS_DECISION_REVERTED_AFTER_PAYMENT")
    ]
    assert "un versement a déjà été fait" in letters[0].reason and "a déjà reçu" in letters[0].reason
    assert (after["state"], after["granted_cents"], after["committed_cents"], after["paid_cents"]) == (
        "approved",
        18_000_000,
        18_000_000,
        5_000_000,
    )
    assert [h["state"] for h in after["history"]] == ["filed", "under-instruction", "approved", "approved"]
    assert after["filed_by"] == "demarches-simplifiees" and after["grant_id"] == approved["grant_id"]
