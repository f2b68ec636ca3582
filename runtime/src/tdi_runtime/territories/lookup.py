"""Reads of the projection at decision time: a territory by either id, the territory of a commune, a list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from tdi_contracts.reference.geography import departement_of_commune, is_commune
from tdi_runtime.db import Connection


@dataclass(frozen=True)
class TerritoryRef:
    """What a consuming service knows of a territory, as of its last reference revision."""

    territory_id: str
    official_id: str | None
    name: str
    labelled: bool
    regions: tuple[str, ...]
    departements: tuple[str, ...]
    epci_sirens: tuple[str, ...]
    active_binomes: int
    chefs_de_projet: tuple[UUID, ...]
    revision: int
    perimeter_known: bool = False
    """Every commune of the territory is known (issue 24): a commune absent from it is outside the territory."""
    perimeter_as_of: date | None = None

    @property
    def epci_count(self) -> int:
        """Member EPCI today (0 until the open data or a join made them known)."""
        return len(self.epci_sirens)


_COLUMNS = (
    "territory_id, official_id, name, labelled, regions, departements, epci_sirens, active_binomes,"
    " chefs_de_projet, revision, perimeter_known, perimeter_as_of"
)


_PERIMETER_HELD = (
    "(perimeter_known AND (perimeter_communes IS NULL OR perimeter_communes <= (SELECT count(*) FROM known_communes"
    " k WHERE k.territory_id = t.territory_id AND k.alias_of IS NULL))) AS perimeter_known"
)
"""A perimeter is known here once the reference says so AND the projection holds as many of its communes as the
reference counts: the two topics reach a consumer in any order, and a commune still on its way is not outside."""


def _ref(row: Any) -> TerritoryRef:
    return TerritoryRef(
        territory_id=row["territory_id"],
        official_id=row["official_id"],
        name=row["name"],
        labelled=row["labelled"],
        regions=tuple(row["regions"]),
        departements=tuple(row["departements"]),
        epci_sirens=tuple(row["epci_sirens"]),
        active_binomes=row["active_binomes"],
        chefs_de_projet=tuple(row["chefs_de_projet"]),
        revision=row["revision"],
        perimeter_known=row["perimeter_known"],
        perimeter_as_of=row["perimeter_as_of"],
    )


async def find_territory(conn: Connection, any_id: str) -> TerritoryRef | None:
    """A territory by its platform id (tdi-44-grand-reims) or its official id (ti-8413)."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM known_territories WHERE territory_id = $1"
        " UNION ALL"
        f" SELECT {_COLUMNS} FROM known_territories WHERE official_id = $1 LIMIT 1",
        any_id,
    )
    return None if row is None else _ref(row)


async def territory_of_commune(conn: Connection, insee: str) -> TerritoryRef | None:
    """The territory a commune was assigned to (None when no territory event named the commune); an alias (a former
    code, a commune déléguée or associée, a Paris-Lyon-Marseille arrondissement) gives its commune's."""
    row = await conn.fetchrow(
        f"SELECT {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM known_communes c JOIN known_territories t USING (territory_id) WHERE c.insee = $1",
        insee,
    )
    return None if row is None else _ref(row)


async def find_territories(conn: Connection, any_ids: Iterable[str]) -> dict[str, TerritoryRef]:
    """`find_territory` of many ids in one query: each id found, by platform id first, then official id."""
    rows = await conn.fetch(
        f"SELECT q.any_id, {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM unnest($1::text[]) AS q(any_id)"
        " JOIN known_territories t ON t.territory_id = q.any_id OR t.official_id = q.any_id",
        sorted(set(any_ids)),
    )
    found: dict[str, TerritoryRef] = {}
    for row in rows:  # a platform id wins over another territory's equal official id, as in find_territory
        if row["any_id"] not in found or row["territory_id"] == row["any_id"]:
            found[row["any_id"]] = _ref(row)
    return found


async def territories_of_communes(conn: Connection, insees: Iterable[str]) -> dict[str, TerritoryRef]:
    """`territory_of_commune` of many communes in one query (a commune no territory event named is absent)."""
    rows = await conn.fetch(
        f"SELECT c.insee, {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM known_communes c JOIN known_territories t USING (territory_id) WHERE c.insee = ANY($1::text[])",
        sorted(set(insees)),
    )
    return {row["insee"]: _ref(row) for row in rows}


async def list_territories(
    conn: Connection, region: str | None = None, departement: str | None = None
) -> list[TerritoryRef]:
    """Known territories, optionally those of one region and/or one département, by platform id."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM known_territories"
        " WHERE ($1::text IS NULL OR $1 = ANY(regions)) AND ($2::text IS NULL OR $2 = ANY(departements))"
        " ORDER BY territory_id",
        region,
        departement,
    )
    return [_ref(r) for r in rows]


def _departement(insee: str) -> str | None:
    """The département of a commune (the contracts' one geography); None for a code of no known département."""
    return departement_of_commune(insee).value if is_commune(insee) else None


@dataclass(frozen=True)
class CommunePlace:
    """Where a commune stands (issue 24): its territory if a territory holds it (an alias resolved to its commune),
    else the labelled territories that could hold it and those among them whose perimeter is not known yet.

    "Could hold it" = the quoted territory, plus every labelled territory of the commune's département: the
    département decides only between *outside every territory* (`perimeter_known`) and *wait* (`waiting_for`),
    never that a commune is in a territory.
    """

    insee: str
    commune_insee: str
    alias_kind: str | None
    territory: TerritoryRef | None
    candidates: tuple[str, ...]
    waiting_for: tuple[str, ...]

    @property
    def territory_id(self) -> str | None:
        return None if self.territory is None else self.territory.territory_id

    @property
    def perimeter_known(self) -> bool:
        """True when every territory that could hold the commune has a known perimeter (or one holds it)."""
        return not self.waiting_for


async def locate_communes(
    conn: Connection, insees: Iterable[str], quoted: dict[str, str] | None = None
) -> dict[str, CommunePlace]:
    """`locate_commune` of many communes in two queries; `quoted` gives, per commune, the territory a partner named
    (platform or official id)."""
    codes = sorted(set(insees))
    quoted = quoted or {}
    held = await conn.fetch(
        f"SELECT c.insee, c.alias_of, c.alias_kind, {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM known_communes c JOIN known_territories t USING (territory_id) WHERE c.insee = ANY($1::text[])",
        codes,
    )
    places = {
        r["insee"]: CommunePlace(r["insee"], r["alias_of"] or r["insee"], r["alias_kind"], _ref(r), (), ())
        for r in held
    }
    missing = [i for i in codes if i not in places]
    if missing:
        rows = await conn.fetch(
            f"SELECT {_COLUMNS.replace('perimeter_known', _PERIMETER_HELD)} FROM known_territories t"
            " WHERE labelled AND (departements && $1::text[]"
            " OR territory_id = ANY($2::text[]) OR official_id = ANY($2::text[])) ORDER BY territory_id",
            sorted({d for i in missing if (d := _departement(i)) is not None}),
            sorted({quoted[i] for i in missing if i in quoted}),
        )
        refs = [_ref(r) for r in rows]
        for insee in missing:
            named = quoted.get(insee)
            could = [
                t for t in refs if _departement(insee) in t.departements or named in (t.territory_id, t.official_id)
            ]
            waiting = tuple(t.territory_id for t in could if not t.perimeter_known)
            places[insee] = CommunePlace(insee, insee, None, None, tuple(t.territory_id for t in could), waiting)
    return places


async def locate_commune(conn: Connection, insee: str, quoted: str | None = None) -> CommunePlace:
    """Where a commune stands: held by a territory (`territory`), or outside every territory (`perimeter_known`),
    or not decidable yet (`waiting_for` the territories of unknown perimeter). `quoted`: the territory a partner
    named (platform or official id), a candidate too."""
    return (await locate_communes(conn, [insee], {insee: quoted} if quoted else None))[insee]
