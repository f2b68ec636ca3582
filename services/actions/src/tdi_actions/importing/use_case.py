"""Import an action plan in ONE transaction: each row is created, updated, unchanged or refused with a reason.

A row is matched to a fiche by its natural key (territory + the territory's own reference, else the title),
so importing the same file again changes nothing. A row's changes apply to a copy of the fiche, kept only
when every rule passed: a refused row leaves no trace. Imports run one at a time (advisory lock).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from uuid import uuid4

from tdi_actions import store
from tdi_actions.domain import FicheAction, natural_key
from tdi_actions.domain_errors import DomainError, UnknownTerritoryError
from tdi_actions.importing.rows import RowCommand, RowRefusal, parse_row
from tdi_actions.importing.spreadsheet import Table
from tdi_actions.lifecycle import path_to
from tdi_actions.use_cases import UseCases
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.territories import TerritoryRef, find_territory


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


async def import_table(uc: UseCases, table: Table, on: date, caller: Caller | None = None) -> ImportReport:
    """Every row of the table, in one transaction; `on` dates the revisions of fiches already known. A territory
    caller's rows of another territory are refused (OUT_OF_TERRITORY), checked on the territory each row resolves to."""
    report = ImportReport()
    parsed = [parse_row(line, cells, on) for line, cells in table.rows]
    async with uc.saving() as (conn, changed):
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':import'))")
        refs: dict[str, TerritoryRef | None] = {}
        for row in parsed:
            if isinstance(row, RowCommand) and row.fiche.territory_id not in refs:
                refs[row.fiche.territory_id] = await find_territory(conn, row.fiche.territory_id)
        keyed = {
            id(row): natural_key(ref.territory_id, row.fiche.external_reference, row.fiche.title)
            for row in parsed
            if isinstance(row, RowCommand) and (ref := refs[row.fiche.territory_id]) is not None
        }
        known = await store.load_by_keys(conn, sorted(set(keyed.values())))
        seen: set[str] = set()
        for row in parsed:
            if isinstance(row, RowRefusal):
                report.rows.append(RowOutcome(row.line, "refused", None, row.code, row.reason, row.column))
                continue
            ref, key = refs[row.fiche.territory_id], keyed.get(id(row))
            try:
                if ref is None or key is None:
                    message = f"Ligne {row.line} : le territoire « {row.fiche.territory_id} » n'est pas connu."
                    raise UnknownTerritoryError(message, details={"field": "territoire"})
                if caller is not None:
                    caller.require_region(ref.regions)
                    caller.require_territory((ref.territory_id, ref.official_id))
                if key in seen:
                    message = f"Ligne {row.line} : une ligne précédente du fichier décrit déjà cette fiche action."
                    raise DomainError(message, code="IMPORT_ROW_DUPLICATED", details={"field": "reference"})
                seen.add(key)
                fiche = _apply(row, ref, known.get(key), on)
            except DomainError as refused:
                column = refused.details.get("field")
                report.rows.append(RowOutcome(row.line, "refused", None, refused.code, refused.message, column))
                continue
            outcome = "created" if key not in known else ("updated" if fiche.events else "unchanged")
            if fiche.events:
                changed.append((fiche, key))
            report.rows.append(RowOutcome(row.line, outcome, str(fiche.id)))
    return report
