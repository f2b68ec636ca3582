"""The actions use cases as handlers of the pipeline, run on a fake unit of work (in-memory repositories implementing
the same port): the same handler serves the HTTP routes, the import and the command line."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from tdi_actions.commands import CreateFiche, MoveFiche, MoveFicheOf
from tdi_actions.domain import FicheAction
from tdi_actions.handlers import registry
from tdi_actions.importing.spreadsheet import Table
from tdi_actions.importing.use_case import ImportPlan, ImportReport
from tdi_actions.lifecycle import FicheStatus
from tdi_actions.repositories import ActionsUnitOfWork, FicheRepository
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Caller
from tdi_runtime.territories import KnownTerritories, TerritoryRef

REIMS = TerritoryRef("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",), (), 1, (), 1)
FIGEAC = TerritoryRef("tdi-76-figeac", None, "Figeac", True, ("76",), ("46",), (), 1, (), 1)
NATIONAL = Caller.of_token("anct", "national")
GRAND_EST = Caller.of_token("prefecture-ge", "regional", region="44")
PROPOSED = b"fr.territoires-industrie.actions.FicheActionProposed.v1"
FICHE = {
    "territory_id": "ti-8413",
    "title": "Réseau de chaleur fatale",
    "lead": "Communauté urbaine du Grand Reims",
    "categories": ["transition-energetique"],
    "proposed_on": date(2024, 1, 15),
}


class InMemoryFiches(FicheRepository):
    def __init__(self) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]
        self.stored: dict[UUID, FicheAction] = {}
        self.saves: list[list[UUID]] = []

    async def _load_many(self, keys: list[UUID]) -> dict[UUID, FicheAction]:
        return {k: self.stored[k] for k in keys if k in self.stored}

    async def _load_by_keys(self, keys: list[str]) -> dict[str, FicheAction]:
        return {f.natural_key: f for f in self.stored.values() if f.natural_key in keys}

    async def _save_many(self, aggregates: list[FicheAction]) -> None:
        self.saves.append([f.id for f in aggregates])
        self.stored.update((f.id, f) for f in aggregates)


class InMemoryTerritories(KnownTerritories):
    def __init__(self) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]

    async def _load_many(self, keys: list[str]) -> dict[str, TerritoryRef]:
        known = {i: t for t in (REIMS, FIGEAC) for i in (t.territory_id, t.official_id) if i is not None}
        return {k: known[k] for k in keys if k in known}


class FakeDatabase:
    """The conn of the unit of work: the import takes its advisory lock; nothing else reaches SQL."""

    async def execute(self, sql: str, *args: Any) -> str:
        assert "pg_advisory_xact_lock" in sql
        return "SELECT 1"


def fake_unit_of_work(caller: Caller = NATIONAL, fiches: InMemoryFiches | None = None) -> ActionsUnitOfWork:
    return ActionsUnitOfWork(
        FakeDatabase(),  # type: ignore[arg-type]
        caller,
        fiches=fiches or InMemoryFiches(),
        territories=InMemoryTerritories(),
    )


async def run(command: object, uow: ActionsUnitOfWork) -> Any:
    """What the pipeline does in its transaction: the handler, then the flush."""
    result = await registry.for_command(command).handler(command, uow)
    await uow.flush()
    return result


async def test_a_fiche_is_saved_once_at_the_flush_and_announced_with_the_platform_id():
    uow = fake_unit_of_work()
    fiche = await run(CreateFiche.model_validate(FICHE), uow)
    assert isinstance(fiche, FicheAction) and fiche.territory_id == "tdi-44-grand-reims"
    assert uow.fiches.saves == [[fiche.id]]  # type: ignore[attr-defined]
    assert [(m.topic, m.key, dict(m.headers)["ce_type"]) for m in uow.emitted] == [
        (
            "tdi.actions.fiche-action.v1",
            b"tdi-44-grand-reims",
            b"fr.territoires-industrie.actions.FicheActionProposed.v1",
        )
    ]


async def test_a_second_fiche_with_the_same_title_in_the_territory_is_refused():
    fiches = InMemoryFiches()
    await run(CreateFiche.model_validate(FICHE), fake_unit_of_work(fiches=fiches))
    uow = fake_unit_of_work(fiches=fiches)
    with pytest.raises(DomainError) as refused:
        await run(CreateFiche.model_validate({**FICHE, "territory_id": "tdi-44-grand-reims"}), uow)
    assert (refused.value.code, refused.value.http_status) == ("FICHE_ACTION_ALREADY_EXISTS", 409)
    assert uow.emitted == [] and len(fiches.stored) == 1


async def test_a_regional_caller_is_judged_on_the_territory_found_not_on_the_id_quoted():
    uow = fake_unit_of_work(GRAND_EST)
    with pytest.raises(DomainError) as refused:
        await run(CreateFiche.model_validate({**FICHE, "territory_id": "tdi-76-figeac"}), uow)
    assert (refused.value.code, refused.value.http_status) == ("OUT_OF_REGION", 403)
    assert uow.fiches.saves == [] and uow.emitted == []  # type: ignore[attr-defined]


async def test_a_step_of_an_unknown_fiche_is_404_and_a_territory_caller_acts_on_its_own_territory_only():
    fiches = InMemoryFiches()
    fiche = await run(CreateFiche.model_validate({**FICHE, "territory_id": "tdi-76-figeac"}), fake_unit_of_work())
    fiches.stored[fiche.id] = fiche
    planned = MoveFiche(status=FicheStatus.PLANNED, on=date(2024, 2, 1))
    with pytest.raises(DomainError) as unknown:
        await run(MoveFicheOf(uuid4(), planned), fake_unit_of_work(fiches=fiches))
    reims_team = Caller.of_token("cdp-reims", "territory", territory="ti-8413")
    with pytest.raises(DomainError) as other:
        await run(MoveFicheOf(fiche.id, planned), fake_unit_of_work(reims_team, fiches))
    moved = await run(MoveFicheOf(fiche.id, planned), fake_unit_of_work(fiches=fiches))
    assert (unknown.value.code, unknown.value.http_status) == ("UNKNOWN_FICHE_ACTION", 404)
    assert (other.value.code, other.value.http_status) == ("OUT_OF_TERRITORY", 403)
    assert moved.status is FicheStatus.PLANNED


async def test_an_import_refuses_the_rows_of_another_territory_for_a_territory_caller_and_applies_the_others():
    header = {"territoire": "", "titre": "", "categories": "transition-energetique", "porteur": "La CU"}
    rows = [
        (2, {**header, "territoire": "ti-8413", "titre": "Chaleur fatale"}),
        (3, {**header, "territoire": "tdi-76-figeac", "titre": "Chaleur fatale"}),
    ]
    uow = fake_unit_of_work(Caller.of_token("cdp-reims", "territory", territory="tdi-44-grand-reims"))
    report = await run(ImportPlan(Table(rows), date(2024, 3, 1)), uow)
    assert isinstance(report, ImportReport)
    assert [(r.line, r.outcome, r.code) for r in report.rows] == [
        (2, "created", None),
        (3, "refused", "OUT_OF_TERRITORY"),
    ]
    assert len(uow.fiches.saves) == 1 and len(uow.emitted) == 1  # type: ignore[attr-defined]
