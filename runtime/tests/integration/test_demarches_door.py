"""The DS door on the real PostgreSQL: a dossier moves through every state, twice and out of order, and the
commands the documented rules say reach the service once each; a restart resumes from the persisted cursor."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from demarches_fake import TOKEN, FakeDemarches, at, fonds_vert_dossier
from prometheus_client import CollectorRegistry

from tdi_contracts.errors import ErrorCode
from tdi_runtime.db import Connection
from tdi_runtime.doors.demarches import store
from tdi_runtime.doors.demarches.client import DemarchesClient
from tdi_runtime.doors.demarches.cursor import Applied
from tdi_runtime.doors.demarches.mapping import load_mapping
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.model import DossierState as S
from tdi_runtime.doors.demarches.poller import DemarcheBinding, DemarchesDoor
from tdi_runtime.doors.demarches.refusals import refusal
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.doors.demarches.translator import DossierSnapshot

pytestmark = pytest.mark.integration

DEMARCHE = 4242
EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "ds" / "fonds-vert-ti.example.toml"
Command = tuple[int, str, str]
VERB = {S.ACCEPTE: "approve", S.REFUSE: "refuse", S.SANS_SUITE: "withdraw"}


def translate(d: DossierSnapshot, previous: Applied | None) -> Sequence[Command]:
    """The documented rule table (funding's, in miniature): bring the dossier from `previous` to its state."""
    commands: list[Command] = []
    was = previous.state if previous else None
    if was is None:
        commands.append((d.number, "file", d.fields.text("commune") or ""))
        was = S.EN_CONSTRUCTION
    if was.decided and d.state != was:  # goes back (or straight to another decision): reopen first
        commands.append((d.number, "reopen", was.value))
        was = S.EN_INSTRUCTION
    if d.state is S.EN_CONSTRUCTION:  # en_instruction → en_construction: nothing changes on the platform
        return commands
    if was is S.EN_CONSTRUCTION:
        commands.append((d.number, "instruct", ""))
    if d.state.decided and d.state != was:
        granted = d.fields.cents("granted_cents")
        if d.state is S.ACCEPTE and granted is None:
            raise refusal(ErrorCode.DS_GRANTED_AMOUNT_MISSING)
        commands.append((d.number, VERB[d.state], str(granted) if d.state is S.ACCEPTE else ""))
    return commands


class Service:
    """A fake dispatch that records what it receives in the door's transaction (so a rollback unrecords it)."""

    def __init__(self) -> None:
        self.refuse: set[tuple[int, str]] = set()
        self.fail_once: set[tuple[int, str]] = set()

    async def dispatch(self, command: Command, caller: str, *, conn: Connection) -> None:
        assert caller == "demarches-simplifiees"
        await conn.execute("INSERT INTO recorded (number, verb, arg) VALUES ($1, $2, $3)", *command)
        if command[:2] in self.fail_once:
            self.fail_once.discard(command[:2])
            raise ConnectionResetError("the database went away")  # transient: the round stops
        if command[:2] in self.refuse:
            raise refusal(ErrorCode.APPLICATION_NOT_ELIGIBLE, "Refusé par la règle de test.")


@pytest.fixture
async def setting(kit_pool: Any, tmp_path: Path) -> tuple[Any, DemarchesSettings]:
    await kit_pool.execute("CREATE TABLE recorded (id serial PRIMARY KEY, number bigint, verb text, arg text)")
    mapping = tmp_path / "fonds-vert.toml"
    mapping.write_text(EXAMPLE.read_text(encoding="utf-8").replace("demarche = 1\n", f"demarche = {DEMARCHE}\n"))
    settings = DemarchesSettings(
        mapping_files=[mapping], token=TOKEN, endpoint="http://ds.test/api/v2/graphql", page_size=2
    )
    return kit_pool, settings


def door(pool: Any, settings: DemarchesSettings, fake: FakeDemarches, service: Service) -> DemarchesDoor[Command, str]:
    metrics = DemarchesMetrics(CollectorRegistry(), "funding")
    mapping = load_mapping(settings.mapping_files[0])
    return DemarchesDoor(
        settings=settings,
        pool=pool,
        bindings={DEMARCHE: DemarcheBinding(mapping, translate)},
        dispatch=service.dispatch,
        caller="demarches-simplifiees",
        metrics=metrics,
        client=lambda: DemarchesClient(settings, metrics, transport=httpx.ASGITransport(app=fake.app)),
    )


async def recorded(pool: Any, number: int) -> list[tuple[str, str]]:
    rows = await pool.fetch("SELECT verb, arg FROM recorded WHERE number = $1 ORDER BY id", number)
    return [(r["verb"], r["arg"]) for r in rows]


async def test_a_dossier_through_every_state_twice_and_out_of_order_has_each_documented_effect_once(
    setting: tuple[Any, DemarchesSettings],
) -> None:
    pool, settings = setting
    fake, service = FakeDemarches({DEMARCHE}), Service()
    first = door(pool, settings, fake, service)
    a_, b_ = 1001, 1002
    fake.move(a_, "en_construction", at(0))
    fake.put(fonds_vert_dossier(b_, "en_construction", at(0) + timedelta(microseconds=200)))  # the same second
    await first.poll(DEMARCHE)
    await first.poll(DEMARCHE)  # seen twice: one effect
    assert await recorded(pool, a_) == [("file", "51454")]
    assert await recorded(pool, b_) == [("file", "51454")]

    fake.move(a_, "en_instruction", at(2))
    fake.move(a_, "accepte", at(3))  # between two polls: the door sees only « accepte »
    await first.poll(DEMARCHE)
    fake.serve_stale(fonds_vert_dossier(a_, "en_instruction", at(2)))  # an older read arriving late
    await first.poll(DEMARCHE)
    assert await recorded(pool, a_) == [("file", "51454"), ("instruct", ""), ("approve", "18000000")]

    restarted = door(pool, settings, fake, service)  # a new process: only the database remembers
    fake.requests.clear()
    fake.move(a_, "en_instruction", at(4))  # « repasser en instruction »: the decision goes back
    await restarted.poll(DEMARCHE)
    assert fake.requests[0]["since"] == (at(3).replace(microsecond=0) - settings.overlap).isoformat()
    for state, minute in (("refuse", 5), ("en_instruction", 6), ("en_construction", 7), ("en_instruction", 8)):
        fake.move(a_, state, at(minute))
        await restarted.poll(DEMARCHE)
        await restarted.poll(DEMARCHE)
    fake.move(a_, "sans_suite", at(9))
    await restarted.poll(DEMARCHE)
    fake.serve_stale(fonds_vert_dossier(a_, "accepte", at(3)))
    await restarted.poll(DEMARCHE)

    assert await recorded(pool, a_) == [
        ("file", "51454"),
        ("instruct", ""),
        ("approve", "18000000"),
        ("reopen", "accepte"),
        ("refuse", ""),
        ("reopen", "refuse"),
        ("withdraw", ""),
    ]
    assert await recorded(pool, b_) == [("file", "51454")]
    async with pool.acquire() as conn:
        assert await store.applied(conn, DEMARCHE, a_) == Applied(at(9).replace(microsecond=0), S.SANS_SUITE)


async def test_a_crash_in_the_middle_of_a_round_resumes_from_the_persisted_cursor(
    setting: tuple[Any, DemarchesSettings],
) -> None:
    pool, settings = setting
    fake, service = FakeDemarches({DEMARCHE}), Service()
    for i, number in enumerate((2001, 2002, 2003, 2004, 2005)):
        fake.move(number, "en_construction", at(i))
    service.fail_once.add((2004, "file"))
    with pytest.raises(ConnectionResetError):
        await door(pool, settings, fake, service).poll(DEMARCHE)
    async with pool.acquire() as conn:
        cursor = await store.cursor(conn, DEMARCHE)
    assert cursor is not None and (cursor.watermark, cursor.last_number) == (at(2).replace(microsecond=0), 2003)

    fake.requests.clear()
    report = await door(pool, settings, fake, service).poll(DEMARCHE)
    assert fake.requests[0]["since"] == (at(2).replace(microsecond=0) - settings.overlap).isoformat()
    assert report.outcomes == {"unchanged": 3, "applied": 2}  # the overlap re-reads 2001-2003: no effect
    for number in (2001, 2002, 2003, 2004, 2005):
        assert await recorded(pool, number) == [("file", "51454")]


async def test_a_refused_dossier_leaves_no_effect_a_dead_letter_with_its_reason_and_is_redriven(
    setting: tuple[Any, DemarchesSettings],
) -> None:
    pool, settings = setting
    fake, service = FakeDemarches({DEMARCHE}), Service()
    missing = fonds_vert_dossier(3001, "en_construction", at(0))
    missing["champs"] = [c for c in missing["champs"] if c["champDescriptorId"] != "Q2hhbXAtMTAwMQ=="]
    fake.put(missing)
    fake.move(3002, "en_instruction", at(1))
    service.refuse.add((3002, "instruct"))  # after its « file » was dispatched: that one is undone too
    first = door(pool, settings, fake, service)
    await first.poll(DEMARCHE)
    await first.poll(DEMARCHE)  # the same refused snapshots read again: still one dead letter each

    assert await recorded(pool, 3001) == []
    assert await recorded(pool, 3002) == []
    async with pool.acquire() as conn:
        letters = {d.number: d for d in await store.open_dead_letters(conn, DEMARCHE)}
    assert letters[3001].code == "DS_CHAMP_MISSING" and "requested_cents" in letters[3001].reason
    assert letters[3002].code == "APPLICATION_NOT_ELIGIBLE" and "Refusé par la règle de test." in letters[3002].reason
    assert (letters[3001].attempts, letters[3002].attempts) == (1, 1)

    fake.move(3001, "en_construction", at(5))  # the applicant completes the form: the next snapshot applies
    service.refuse.clear()  # the rule is fixed: ops re-drive 3002 (DS did not change it)
    async with pool.acquire() as conn:
        assert await store.request_redrive(conn, DEMARCHE, [3002]) == 1
    await first.poll(DEMARCHE)

    assert await recorded(pool, 3001) == [("file", "51454")]
    assert await recorded(pool, 3002) == [("file", "51454"), ("instruct", "")]
    async with pool.acquire() as conn:
        assert await store.open_dead_letters(conn, DEMARCHE) == []


async def test_an_accepted_dossier_without_its_granted_amount_is_a_dead_letter_naming_it(
    setting: tuple[Any, DemarchesSettings],
) -> None:
    pool, settings = setting
    fake, service = FakeDemarches({DEMARCHE}), Service()
    accepted = fonds_vert_dossier(4001, "accepte", at(0))
    accepted["annotations"][0]["stringValue"] = None
    fake.put(accepted)
    await door(pool, settings, fake, service).poll(DEMARCHE)
    async with pool.acquire() as conn:
        (letter,) = await store.open_dead_letters(conn, DEMARCHE)
    assert (letter.number, letter.code, letter.state) == (4001, "DS_GRANTED_AMOUNT_MISSING", "accepte")
    assert await recorded(pool, 4001) == []


async def test_operators_list_the_refused_dossiers_and_ask_for_a_redrive_with_the_dlq_command(
    setting: tuple[Any, DemarchesSettings], platform_stack: Any, kit_schema: str
) -> None:
    from typer.testing import CliRunner

    from tdi_runtime.dlq import app

    pool, settings = setting
    fake, service = FakeDemarches({DEMARCHE}), Service()
    fake.move(5001, "en_instruction", at(0))
    service.refuse.add((5001, "instruct"))
    await door(pool, settings, fake, service).poll(DEMARCHE)

    env = {"DATABASE_URL": platform_stack.database_url}
    listed = await asyncio.to_thread(CliRunner().invoke, app, ["demarches", "list", kit_schema], env=env)
    assert listed.exit_code == 0, listed.output
    assert "5001" in listed.output and "APPLICATION_NOT_ELIGIBLE" in listed.output
    args = ["demarches", "redrive", kit_schema, "--dossier", "5001"]
    redriven = await asyncio.to_thread(CliRunner().invoke, app, args, env=env)
    assert redriven.exit_code == 0, redriven.output
    assert "1 dead letters marked" in redriven.output
    async with pool.acquire() as conn:
        assert await store.redrives_requested(conn, DEMARCHE) == [5001]
