"""A programme's rules by its code: the catalogue's (the State's offer) or one a partner declared (issue 24, C2), and
declaring one (`DeclareProgramme` → `ProgrammeDeclared`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import ProgrammeDeclared
from tdi_contracts.reference import Instrument, Partner, Programme
from tdi_contracts.reference.programmes_catalogue import (
    CATALOGUE,
    DeclaredProgrammeSeed,
    ProgrammeRules,
    ProjectType,
    declared_rules,
)
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError

if TYPE_CHECKING:
    from tdi_funding.repositories import FundingUnitOfWork


def _seed(row: Any) -> DeclaredProgrammeSeed:
    return DeclaredProgrammeSeed(
        row["code"],
        row["label"],
        Partner(row["operator"]),
        frozenset(Instrument(i) for i in row["instruments"]),
        frozenset(ProjectType(p) for p in row["project_types"]),
        row["labelled_territories_only"],
    )


async def rules_of(conn: Connection, codes: list[str]) -> dict[str, ProgrammeRules]:
    """The rules of the programmes of the catalogue or declared by a partner among `codes` (unknown ones left out)."""
    found = {code: CATALOGUE[Programme(code)] for code in codes if code in Programme.__members__.values()}
    others = [code for code in codes if code not in found]
    if others:
        rows = await conn.fetch("SELECT * FROM programmes WHERE code = ANY($1::text[])", others)
        found.update((row["code"], declared_rules(_seed(row))) for row in rows)
    return found


async def declare(uow: FundingUnitOfWork, seed: DeclaredProgrammeSeed, on: date) -> None:
    """A partner declares a programme it operates; the same declaration again is answered the same, a code of the
    catalogue or already declared otherwise is refused (PROGRAMME_ALREADY_DECLARED)."""
    if seed.programme in Programme.__members__.values():
        raise DomainError(
            ErrorCode.PROGRAMME_ALREADY_DECLARED,
            f"« {seed.programme} » est un programme du catalogue de l'État : il ne se déclare pas.",
            field="programme",
            value=seed.programme,
        )
    conn = uow.conn
    inserted = await conn.fetchval(
        "INSERT INTO programmes (code, label, operator, instruments, project_types, labelled_territories_only,"
        " declared_on) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING code",
        seed.programme,
        seed.label,
        seed.operator.value,
        sorted(i.value for i in seed.instruments),
        sorted(p.value for p in seed.project_types),
        seed.labelled_territories_only,
        on,
    )
    if inserted is None:
        existing = _seed(await conn.fetchrow("SELECT * FROM programmes WHERE code = $1", seed.programme))
        if existing == seed:
            return
        raise DomainError(
            ErrorCode.PROGRAMME_ALREADY_DECLARED,
            f"Le programme « {seed.programme} » est déjà déclaré ({existing.operator.label}) avec d'autres termes.",
            field="programme",
            value=seed.programme,
        )
    declared = ProgrammeDeclared(
        programme=seed.programme,
        label=seed.label,
        operator=seed.operator,
        instruments=sorted(seed.instruments),
        project_types=sorted(seed.project_types),
        labelled_territories_only=seed.labelled_territories_only,
        declared_on=on,
    )
    uow.programmes.declared(seed.programme, declared_rules(seed))
    uow.emit(declared)


async def declare_all(uow: FundingUnitOfWork, seeds: Sequence[DeclaredProgrammeSeed], on: date) -> None:
    """The declared programmes of the catalogue, at first start (declared once)."""
    for seed in seeds:
        await declare(uow, seed, on)
