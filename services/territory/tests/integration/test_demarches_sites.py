"""The sites clés en main candidacy démarche feeds the register (issue 25), on the real stack: the territory service
with its Démarches simplifiées door open (real PostgreSQL and Kafka), the local DS over `httpx.ASGITransport`.

A candidacy moves through every state, twice and out of order: it ends as one site in the register, in the state
its newest snapshot says, on `GET /sites`, with one `SiteProposed` and one `SiteSelected`; each dossier the register
cannot take is a dead letter with its code."""

from __future__ import annotations

import functools
import sys
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from tdi_runtime.doors.demarches import store
from tdi_runtime.doors.demarches.client import DemarchesClient
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.poller import DemarchesDoor
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.testing import unique_name
from tdi_territory.app import create_app
from tdi_territory.registers.demarches import site_id

from .conftest import STAFF_TOKEN
from .test_registers import outbox_events

RUNTIME_TESTS = Path(__file__).resolve().parents[4] / "runtime" / "tests"
if str(RUNTIME_TESTS) not in sys.path:  # the kit's local DS (runtime/tests/demarches_fake.py)
    sys.path.insert(0, str(RUNTIME_TESTS))
from demarches_fake import TOKEN, FakeDemarches, at, site_candidacy_dossier  # noqa: E402

pytestmark = pytest.mark.integration

DEMARCHE = 4343
EXAMPLE = Path(__file__).resolve().parents[4] / "deploy" / "ds" / "sites-cles-en-main.example.toml"
LINK = f"https://www.demarches-simplifiees.fr/procedures/{DEMARCHE}/dossiers/"


@pytest.fixture
def schema() -> str:
    return unique_name("territory_ds")


@pytest.fixture
def ds_settings(tmp_path: Path) -> DemarchesSettings:
    mapping = tmp_path / "sites.toml"
    mapping.write_text(EXAMPLE.read_text(encoding="utf-8").replace("demarche = 2\n", f"demarche = {DEMARCHE}\n"))
    return DemarchesSettings(
        mapping_files=[mapping],
        token=TOKEN,
        endpoint="http://ds.test/api/v2/graphql",
        page_size=2,
        poll_interval_s=3600,  # the test drives the rounds
    )


@pytest.fixture
def with_door(run_service: Any, platform_stack: Any, schema: str, ds_settings: DemarchesSettings) -> Any:
    """`async with with_door(fake) as (door, client):` the territory service with its DS door reading `fake`."""

    def client_of(fake: FakeDemarches) -> Any:
        def build(settings: DemarchesSettings, metrics: DemarchesMetrics) -> DemarchesClient:
            return DemarchesClient(settings, metrics, transport=httpx.ASGITransport(app=fake.app))

        return build

    def start(fake: FakeDemarches) -> Any:
        app = functools.partial(create_app, ds=ds_settings, ds_client=client_of(fake))
        return run_service(
            app,
            "territory",
            database_url=platform_stack.database_url,
            db_schema=schema,
            api_tokens={STAFF_TOKEN: "staff"},
        )

    return start


async def first_rounds(door: DemarchesDoor[Any, Any]) -> None:
    """The door's own first round (at start) and one of the test's: after them, only the test polls."""
    await door.poll(DEMARCHE)
    await door.poll(DEMARCHE)


async def test_a_candidacy_through_every_state_twice_and_out_of_order_ends_as_one_site_in_its_state(
    with_door: Any, db: Any
) -> None:
    fake = FakeDemarches({DEMARCHE})
    async with with_door(fake) as (app, client):
        client.headers["Authorization"] = f"Bearer {STAFF_TOKEN}"
        door = app.state.demarches.door
        await first_rounds(door)

        async def step(state: str, minute: float, *, stale: tuple[str, float] | None = None) -> None:
            fake.put(site_candidacy_dossier(7001, state, at(minute)))
            if stale is not None:  # an older read arriving late, out of order
                fake.serve_stale(site_candidacy_dossier(7001, stale[0], at(stale[1])))
            await door.poll(DEMARCHE)
            await door.poll(DEMARCHE)  # seen twice: one effect

        await step("en_construction", 0)
        await step("en_instruction", 1)
        await step("refuse", 2, stale=("en_construction", 0))
        await step("en_instruction", 3, stale=("refuse", 2))  # « repasser en instruction »
        await step("en_construction", 4)  # « repasser en construction »: still under instruction for the register
        await step("en_instruction", 5, stale=("en_instruction", 1))
        await step("sans_suite", 6)
        await step("en_instruction", 7, stale=("sans_suite", 6))
        fake.put(site_candidacy_dossier(7001, "accepte", at(8)))  # accepted between two polls
        fake.serve_stale(site_candidacy_dossier(7001, "en_instruction", at(7)))
        await door.poll(DEMARCHE)
        fake.serve_stale(site_candidacy_dossier(7001, "refuse", at(2)))
        await door.poll(DEMARCHE)

        listed = (await client.get("/sites")).json()

    site = str(site_id(DEMARCHE, 7001))
    (shown,) = [s for s in listed["sites"] if s["candidacy"] is not None]
    assert shown["site_id"] == site
    assert (shown["name"], shown["commune_insee"], shown["region"]) == ("Parc d'activités n° 7001", "51454", "44")
    assert shown["maturity"] == "friche-a-rehabiliter"
    assert shown["criteria"] == ["maitrise-fonciere", "raccordement-reseaux"]
    assert (shown["proposed_on"], shown["selected_on"]) == ("2023-11-30", "2024-02-15")
    assert shown["candidacy"] == {
        "reference": f"ds:{DEMARCHE}:7001",
        "link": f"{LINK}7001",
        "state": "accepte",
        "changed_on": "2024-02-15",
    }
    assert [p["site_id"] for _, p in await outbox_events(db, "SiteProposed")] == [site]
    assert [(k, p["site_id"], p["selected_on"]) for k, p in await outbox_events(db, "SiteSelected")] == [
        ("44", site, "2024-02-15")
    ]
    async with db.acquire() as conn:
        assert await store.open_dead_letters(conn, DEMARCHE) == []


async def test_each_candidacy_the_register_cannot_take_is_a_dead_letter_with_its_code_and_no_site(
    with_door: Any, db: Any
) -> None:
    fake = FakeDemarches({DEMARCHE})
    unnamed = site_candidacy_dossier(7101, "en_construction", at(0))
    unnamed["champs"] = [c for c in unnamed["champs"] if c["champDescriptorId"] != "Q2hhbXAtMzAwMA=="]
    abroad = site_candidacy_dossier(7102, "en_construction", at(0))
    abroad["champs"][1]["commune"] = {"code": "51999", "name": "Nulle part"}
    unknown_maturity = site_candidacy_dossier(7103, "en_instruction", at(0))
    unknown_maturity["champs"][2].update(stringValue="Site en projet", value="Site en projet")
    for dossier in (unnamed, abroad, unknown_maturity):
        fake.put(dossier)
    fake.put(site_candidacy_dossier(7104, "accepte", at(1)))
    async with with_door(fake) as (app, client):
        client.headers["Authorization"] = f"Bearer {STAFF_TOKEN}"
        door = app.state.demarches.door
        await first_rounds(door)
        fake.put(site_candidacy_dossier(7104, "en_instruction", at(2)))  # a selection taken back on DS
        await door.poll(DEMARCHE)
        await door.poll(DEMARCHE)
        listed = (await client.get("/sites")).json()

        async with db.acquire() as conn:
            letters = {d.number: d for d in await store.open_dead_letters(conn, DEMARCHE)}
        assert {n: (d.code, d.attempts) for n, d in letters.items()} == {
            7101: ("DS_CHAMP_MISSING", 1),
            7102: ("COMMUNE_NOT_IN_COG", 1),
            7103: ("DS_CHAMP_INVALID", 1),
            7104: ("SITE_ALREADY_SELECTED", 1),
        }
        assert "name" in letters[7101].reason and "maturity" in letters[7103].reason
        assert "n° 7104" in letters[7104].reason
        assert letters[7104].state == "en_instruction"

        fake.put(site_candidacy_dossier(7104, "accepte", at(3)))  # the instructor corrects the slip
        await door.poll(DEMARCHE)
        async with db.acquire() as conn:
            assert {d.number for d in await store.open_dead_letters(conn, DEMARCHE)} == {7101, 7102, 7103}

    (selected,) = [s for s in listed["sites"] if s["candidacy"] is not None]
    assert selected["site_id"] == str(site_id(DEMARCHE, 7104))
    assert (selected["selected_on"], selected["candidacy"]["state"]) == ("2024-02-15", "accepte")
    assert [p["site_id"] for _, p in await outbox_events(db, "SiteSelected")] == [selected["site_id"]]
    assert date.fromisoformat(selected["proposed_on"]) == date(2023, 11, 30)


async def test_without_a_settings_file_the_door_is_closed_and_its_webhook_does_not_exist(
    territory_service: Any,
) -> None:
    async with territory_service() as (app, client):
        answer = await client.post("/ds/webhook/" + "s" * 40, data={"procedure_id": str(DEMARCHE)})
        assert app.state.demarches.door is None and app.state.demarches.bindings == {}
    assert answer.status_code == 404
    assert answer.json()["code"] == "NOT_FOUND"
