"""Import an action plan in ONE transaction: each row is created, updated, unchanged or refused with a reason.

A row is matched to a fiche by its natural key (territory + the territory's own reference, else the title),
so importing the same file again changes nothing. A row's changes apply to a copy of the fiche, kept only
when every rule passed: a refused row leaves no trace. Imports run one at a time (advisory lock). The import is a
command of the pipeline (`ImportPlan`, `handlers.import_action_plan`): the HTTP route and the command line alike.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from uuid import uuid4

from tdi_actions.domain import FicheAction, natural_key
from tdi_actions.importing.rows import RowCommand, RowRefusal, parse_row
from tdi_actions.importing.spreadsheet import Table
from tdi_actions.lifecycle import path_to
from tdi_actions.repositories import ActionsUnitOfWork
from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError
from tdi_runtime.territories import TerritoryRef


@dataclass(frozen=True)
class ImportPlan:
    """An action plan's rows, read from its file; `on` dates the revisions of fiches already known."""

    table: Table
    on: date


@dataclass(frozen=True)
class RowOutcome:
    line: int
    outcome: str  # created | updated | unchanged | refused
    fiche_action_id: str | None = None
    code: str | None = None
    reason: str | None = None
    column: str | None = None


@dataclass
class ImportReport:
    rows: list[RowOutcome] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        kinds = ("created", "updated", "unchanged", "refused")
        return {k: sum(1 for r in self.rows if r.outcome == k) for k in kinds}

    def as_json(self) -> dict[str, Any]:
        return {"summary": self.summary(), "rows": [{k: v for k, v in asdict(r).items() if v} for r in self.rows]}


def _apply(row: RowCommand, ref: TerritoryRef, existing: FicheAction | None, on: date) -> FicheAction:
    cmd = row.fiche
    if existing is None:
        fiche = FicheAction.propose(
            uuid4(), ref.territory_id, ref.labelled, cmd.details(), tuple(cmd.categories), cmd.estimated_cost_cents,
            row.on, external_reference=cmd.external_reference, synthetic=cmd.synthetic,
        )  # fmt: skip
    else:
        fiche = copy.deepcopy(existing)
        fiche.revise_details(cmd.details(), on)
        fiche.recategorise(tuple(cmd.categories), on)
        fiche.revise_budget(cmd.estimated_cost_cents, on)
    for step in path_to(fiche.status, row.status):
        fiche.move_to(step, row.on)
    return fiche


async def import_plan(command: ImportPlan, uow: ActionsUnitOfWork) -> ImportReport:
    """Every row of the table, in one transaction. A territory caller's rows of another territory are refused
    (OUT_OF_TERRITORY), checked on the territory each row resolves to; the command line acts as the service."""
    report, on, caller = ImportReport(), command.on, uow.caller
    parsed = [parse_row(line, cells, on) for line, cells in command.table.rows]
    await uow.conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':import'))")
    found = await uow.territories.get_many(r.fiche.territory_id for r in parsed if isinstance(r, RowCommand))
    refs: dict[str, TerritoryRef | None] = dict(found)
    keyed = {
        id(row): natural_key(ref.territory_id, row.fiche.external_reference, row.fiche.title)
        for row in parsed
        if isinstance(row, RowCommand) and (ref := refs[row.fiche.territory_id]) is not None
    }
    known = await uow.fiches.by_keys(keyed.values())
    seen: set[str] = set()
    for row in parsed:
        if isinstance(row, RowRefusal):
            report.rows.append(RowOutcome(row.line, "refused", None, row.code, row.reason, row.column))
            continue
        ref, key = refs[row.fiche.territory_id], keyed.get(id(row))
        try:
            if ref is None or key is None:
                detail = f"Ligne {row.line} : le territoire « {row.fiche.territory_id} » n'est pas connu."
                raise DomainError(ErrorCode.UNKNOWN_TERRITORY, detail, field="territoire")
            caller.require_region(ref.regions)
            caller.require_territory((ref.territory_id, ref.official_id))
            if key in seen:
                detail = f"Ligne {row.line} : une ligne précédente du fichier décrit déjà cette fiche action."
                raise DomainError(ErrorCode.IMPORT_ROW_DUPLICATED, detail, field="reference")
            seen.add(key)
            fiche = _apply(row, ref, known.get(key), on)
        except DomainError as refused:
            column = refused.details.get("field")
            report.rows.append(RowOutcome(row.line, "refused", None, refused.code, refused.message, column))
            continue
        outcome = "created" if key not in known else ("updated" if fiche.events else "unchanged")
        if fiche.events:
            uow.saved(fiche)
        report.rows.append(RowOutcome(row.line, outcome, str(fiche.id)))
    return report
