"""A programme's rules by its code: the catalogue's (the State's offer) or one a partner declared (issue 24, C2), and
declaring one (`DeclareProgramme` → `ProgrammeDeclared`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tdi_contracts.events.funding import ProgrammeDeclared
from tdi_contracts.reference import Instrument, Partner, Programme
from tdi_contracts.reference.programmes_catalogue import (
    CATALOGUE,
    DeclaredProgrammeSeed,
    ProgrammeRules,
    ProjectType,
    declared_rules,
)
from tdi_funding.domain.errors import ProgrammeAlreadyDeclaredError, UnknownProgrammeError
from tdi_funding.use_cases import Result
from tdi_runtime.db import Connection


def _seed(row: Any) -> DeclaredProgrammeSeed:
    return DeclaredProgrammeSeed(
        row["code"],
        row["label"],
        Partner(row["operator"]),
        frozenset(Instrument(i) for i in row["instruments"]),
        frozenset(ProjectType(p) for p in row["project_types"]),
        row["labelled_territories_only"],
    )


async def rules_for(conn: Connection, code: str) -> ProgrammeRules:
    """The rules of a programme of the catalogue or declared by a partner, or UNKNOWN_PROGRAMME."""
    if code in Programme.__members__.values():
        return CATALOGUE[Programme(code)]
    row = await conn.fetchrow("SELECT * FROM programmes WHERE code = $1", code)
    if row is None:
        raise UnknownProgrammeError(
            f"Le programme « {code} » n'est ni au catalogue ni déclaré par un partenaire.",
            details={"field": "programme", "value": code},
        )
    return declared_rules(_seed(row))


async def declare(conn: Connection, seed: DeclaredProgrammeSeed, on: date) -> Result:
    """A partner declares a programme it operates; the same declaration again is answered the same, a code of the
    catalogue or already declared otherwise is refused (PROGRAMME_ALREADY_DECLARED)."""
    if seed.programme in Programme.__members__.values():
        raise ProgrammeAlreadyDeclaredError(
            f"« {seed.programme} » est un programme du catalogue de l'État : il ne se déclare pas.",
            details={"field": "programme", "value": seed.programme},
        )
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
            return Result(value=seed.programme)
        raise ProgrammeAlreadyDeclaredError(
            f"Le programme « {seed.programme} » est déjà déclaré ({existing.operator.label}) avec d'autres termes.",
            details={"field": "programme", "value": seed.programme},
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
    return Result(events=[declared], value=seed.programme)


async def declare_all(conn: Connection, seeds: Sequence[DeclaredProgrammeSeed], on: date) -> Result:
    """The declared programmes of the catalogue, at first start (declared once)."""
    events: list[Any] = []
    for seed in seeds:
        events += (await declare(conn, seed, on)).events
    return Result(events=events)
