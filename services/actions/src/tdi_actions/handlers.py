"""THE use cases of the actions service, one handler per command, whatever the door (the HTTP routes, the import,
the command line), each `(command, uow) -> result`; and what it consumes: the territory service's events, folded by
the kit's territory projection (`TERRITORY_PROJECTION`), so a fiche is checked against a territory known locally.

A handler reads the fiche whole and locked through the unit of work, checks the caller's reach on the fiche's
territory (its region; for a territory caller, its own territory, any of its ids), runs the rule on the aggregate
and hands the fiche and its events back (`uow.saved`); the kit saves, announces and commits.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from tdi_actions.commands import CreateFiche, MoveFicheOf, ReviseFicheOf
from tdi_actions.domain import FicheAction, natural_key
from tdi_actions.importing.use_case import ImportPlan, ImportReport, import_plan
from tdi_actions.repositories import ActionsUnitOfWork
from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Caller, Registry
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.territories import TERRITORY_PROJECTION, TERRITORY_TOPICS, TerritoryRef

GROUP = "tdi-actions"
registry: Registry[ActionsUnitOfWork] = Registry(TERRITORY_PROJECTION)
"""The fiches' commands, and the kit's territory projection (is a territory known, labelled, where)."""


def consumers(group: str = GROUP) -> list[ConsumerSpec]:
    """One group reading the compacted reference topic and the territory topic; other types are passed over."""
    return [ConsumerSpec(group=group, topics=list(TERRITORY_TOPICS), registry=registry)]


def in_reach(caller: Caller, ref: TerritoryRef) -> None:
    """The territory must be in the caller's region and, for a territory caller, be its own (any of its ids)."""
    caller.require_region(ref.regions)
    caller.require_territory((ref.territory_id, ref.official_id))


@registry.handles(CreateFiche)
async def create_fiche(cmd: CreateFiche, uow: ActionsUnitOfWork) -> FicheAction:
    ref = await uow.territory(cmd.territory_id)
    in_reach(uow.caller, ref)
    key = natural_key(ref.territory_id, cmd.external_reference, cmd.title)
    existing = (await uow.fiches.by_keys([key])).get(key)
    if existing is not None:
        detail = (
            f"Le territoire a déjà la fiche action « {existing.details.title} » (même référence ou même titre) :"
            " modifiez-la plutôt que d'en créer une seconde."
        )
        raise DomainError(ErrorCode.FICHE_ACTION_ALREADY_EXISTS, detail, fiche_action_id=str(existing.id))
    fiche = FicheAction.propose(
        uuid4(), ref.territory_id, ref.labelled, cmd.details(), tuple(cmd.categories), cmd.estimated_cost_cents,
        cmd.proposed_on, external_reference=cmd.external_reference, synthetic=cmd.synthetic,
    )  # fmt: skip
    uow.saved(fiche)
    return fiche


async def _fiche(uow: ActionsUnitOfWork, fiche_id: UUID) -> FicheAction:
    """The fiche, locked; UNKNOWN_FICHE_ACTION (404) when none; the caller must reach its territory (a territory the
    projection does not know: no region, out of a regional caller's reach)."""
    fiche = await uow.fiches.get(fiche_id)
    if fiche is None:
        raise DomainError(ErrorCode.UNKNOWN_FICHE_ACTION, field="fiche_action_id", value=str(fiche_id))
    ref = await uow.territories.get(fiche.territory_id)
    uow.caller.require_region(() if ref is None else ref.regions)
    uow.caller.require_territory((fiche.territory_id, None if ref is None else ref.official_id))
    return fiche


@registry.handles(ReviseFicheOf)
async def revise_fiche(command: ReviseFicheOf, uow: ActionsUnitOfWork) -> FicheAction:
    cmd = command.body
    fiche = await _fiche(uow, command.fiche_id)
    fiche.revise_details(cmd.details(), cmd.revised_on)
    fiche.recategorise(tuple(cmd.categories), cmd.revised_on)
    fiche.revise_budget(cmd.estimated_cost_cents, cmd.revised_on)
    uow.saved(fiche)
    return fiche


@registry.handles(MoveFicheOf)
async def move_fiche(command: MoveFicheOf, uow: ActionsUnitOfWork) -> FicheAction:
    fiche = await _fiche(uow, command.fiche_id)
    fiche.move_to(command.body.status, command.body.on, command.body.reason)
    uow.saved(fiche)
    return fiche


@registry.handles(ImportPlan)
async def import_action_plan(command: ImportPlan, uow: ActionsUnitOfWork) -> ImportReport:
    return await import_plan(command, uow)
