"""The territory use cases as handlers of the pipeline, run on a fake unit of work (an in-memory territory repository
implementing the same port): rights judged on the territory found, events keyed by the platform id whatever id the
route was given, the territory saved once at the flush and touched for its next revision."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tdi_contracts.events.territory import EpciLeft
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Caller
from tdi_territory.commands import RecordBinome, RecordBinomeOf, WithdrawLabel, WithdrawLabelOf
from tdi_territory.domain import Territory
from tdi_territory.handlers import registry
from tdi_territory.repositories import PostRepository, TerritoryRepository, TerritoryUnitOfWork

NATIONAL = Caller.of_token("anct", "national")
OCCITANIE = Caller.of_token("prefecture-occitanie", "regional", region="76")
BINOME = RecordBinome.model_validate(
    {
        "elected_mandate": "president-epci",
        "industrial_company": "Fonderie champenoise",
        "industrial_company_size": "pme",
        "industrial_sector": "métallurgie",
        "appointed_on": "2023-12-01",
    }
)


class InMemoryTerritories(TerritoryRepository):
    def __init__(self) -> None:
        super().__init__(conn=None)  # type: ignore[arg-type]
        self.saves: list[list[str]] = []

    async def _load_many(self, keys: list[str]) -> dict[str, Territory]:
        reims = Territory("tdi-44-grand-reims", "Grand Reims", ("51",), ("44",), False, official_id="ti-8413")
        return {k: reims for k in keys if k in ("tdi-44-grand-reims", "ti-8413")}

    async def _save_many(self, aggregates: list[Territory]) -> None:
        self.saves.append([t.id for t in aggregates])


def fake_unit_of_work(caller: Caller = NATIONAL) -> TerritoryUnitOfWork:
    return TerritoryUnitOfWork(
        None,  # type: ignore[arg-type]
        caller,
        territories=InMemoryTerritories(),
        posts=PostRepository(None),  # type: ignore[arg-type]
    )


async def handled(command: object, uow: TerritoryUnitOfWork) -> Any:
    """The handler, then the repositories' writes (the announcement of touched territories reads the database)."""
    result = await registry.for_command(command).handler(command, uow)
    for repository in uow.repositories():
        await repository.flush()
    return result


async def test_a_binome_recorded_by_the_official_id_is_announced_and_touched_under_the_platform_id():
    uow = fake_unit_of_work()
    created = await handled(RecordBinomeOf("ti-8413", BINOME), uow)
    assert created.territory_id == "tdi-44-grand-reims"
    assert uow.territories.saves == [["tdi-44-grand-reims"]]  # type: ignore[attr-defined]
    assert [m.key for m in uow.emitted] == [b"tdi-44-grand-reims"]
    assert uow.touched == ["tdi-44-grand-reims"]


async def test_a_regional_caller_of_another_region_changes_nothing():
    uow = fake_unit_of_work(OCCITANIE)
    with pytest.raises(DomainError) as refused:
        await handled(WithdrawLabelOf("tdi-44-grand-reims", WithdrawLabel(withdrawn_on=date(2025, 12, 31))), uow)
    assert (refused.value.code, refused.value.http_status) == ("OUT_OF_REGION", 403)
    assert (uow.territories.saves, uow.emitted, uow.touched) == ([], [], [])  # type: ignore[attr-defined]


async def test_an_unknown_territory_is_404_with_the_catalogue_sentence_and_the_id_quoted():
    with pytest.raises(DomainError) as refused:
        await handled(RecordBinomeOf("ti-999999", BINOME), fake_unit_of_work())
    assert (refused.value.code, refused.value.http_status) == ("UNKNOWN_TERRITORY", 404)
    assert refused.value.message == "Le territoire désigné n'est pas un Territoire d'industrie connu."
    assert refused.value.details == {"field": "territory_id", "value": "ti-999999"}


def test_an_event_carrying_an_official_id_is_refused_by_the_unit_of_work_before_the_outbox():
    uow = fake_unit_of_work()
    with pytest.raises(ValueError, match="platform territory ids only"):
        uow.emit(EpciLeft(territory_id="ti-8413", epci_siren="200067403", left_on=date(2025, 6, 30)))
    assert uow.emitted == []
