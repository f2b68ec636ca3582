"""The territory service's repositories and its unit of work (the kit opens, flushes and commits it).

- `TerritoryRepository`: the `Territory` aggregate, whole (open EPCI, binômes with the ended ones, open posts), by
  its platform or official id, locked (`FOR UPDATE`) until the transaction ends, read in one query; its own row and
  its binômes written in one `executemany` each at the flush.
- `PostRepository`: a chef de projet post, locked, with the territories it serves (lead territory first).

`TerritoryUnitOfWork` announces what changed: every territory a handler `touch`ed gets its next revision on the
reference topic at the flush (and its `TerritoryLabelled` if it was never announced: one entered after the first
start), and every event is checked to carry platform territory ids only (one Kafka key per territory).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from tdi_contracts.base import ContractModel
from tdi_contracts.errors import ErrorCode
from tdi_contracts.ids import REFERENCE_TERRITORY_ID_PATTERN
from tdi_contracts.reference import CompanySize
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Caller, Repository, UnitOfWork, UnitOfWorkFactory
from tdi_territory import store
from tdi_territory.announcements import labelled, reference_updated
from tdi_territory.domain import Territory, TerritoryStatus
from tdi_territory.governance.domain import Binome, ChefDeProjetPost, ElectedMandate
from tdi_territory.perimeter.domain import Epci, NatureJuridique

PRODUCER = "territory"

_LOAD = """
SELECT t.id, t.official_id, t.name, t.departements, t.regions, t.interregional, t.labelled_for_temps_ii, t.status,
       t.labelled_on, t.label_withdrawn_on,
       (SELECT coalesce(json_agg(json_build_object('siren', m.siren, 'name', m.name,
                                                   'nature_juridique', m.nature_juridique)
                                 ORDER BY m.joined_on, m.id), '[]')
          FROM epci_memberships m WHERE m.territory_id = t.id AND m.left_on IS NULL) AS epcis,
       (SELECT coalesce(json_agg(row_to_json(b) ORDER BY b.appointed_on, b.id), '[]')
          FROM binomes b WHERE b.territory_id = t.id) AS binomes,
       (SELECT coalesce(array_agg(p.id ORDER BY p.started_on, p.id), '{}')
          FROM chef_de_projet_posts p JOIN chef_de_projet_territories s ON s.post_id = p.id
         WHERE s.territory_id = t.id AND p.ended_on IS NULL) AS posts
  FROM territories t WHERE t.id = ANY($1::text[]) OR t.official_id = ANY($1::text[])
 ORDER BY t.id FOR UPDATE OF t
"""
_SAVE_TERRITORY = (
    "UPDATE territories SET labelled_for_temps_ii = $2, status = $3, label_withdrawn_on = $4 WHERE id = $1"
)
_SAVE_BINOME = """
INSERT INTO binomes (id, territory_id, elected_mandate, elected_authority, industrial_company, industrial_company_size,
                     industrial_sector, appointed_on, ended_on, synthetic)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (id) DO UPDATE SET ended_on = excluded.ended_on
"""


def _binome(row: dict[str, Any]) -> Binome:
    ended = row["ended_on"]
    return Binome(
        ElectedMandate(row["elected_mandate"]),
        row["industrial_company"],
        CompanySize(row["industrial_company_size"]),
        row["industrial_sector"],
        UUID(row["id"]),
        date.fromisoformat(row["appointed_on"]),
        None if ended is None else date.fromisoformat(ended),
        row["synthetic"],
    )


def _territory(row: Any) -> Territory:
    return Territory(
        id=row["id"],
        name=row["name"],
        departements=tuple(row["departements"]),
        regions=tuple(row["regions"]),
        interregional=row["interregional"],
        official_id=row["official_id"],
        labelled_for_temps_ii=row["labelled_for_temps_ii"],
        status=TerritoryStatus(row["status"]),
        epcis={
            e["siren"]: Epci(e["siren"], e["name"], NatureJuridique(e["nature_juridique"]))
            for e in json.loads(row["epcis"])
        },
        binomes=[_binome(b) for b in json.loads(row["binomes"])],
        chefs_de_projet=list(row["posts"]),
        labelled_on=row["labelled_on"],
        label_withdrawn_on=row["label_withdrawn_on"],
    )


class TerritoryRepository(Repository[str, Territory]):
    """Territories by either id (the platform id or the official one: both name the same aggregate)."""

    async def _load_many(self, keys: list[str]) -> dict[str, Territory]:
        found: dict[str, Territory] = {}
        for row in await self.conn.fetch(_LOAD, keys):
            territory = _territory(row)
            found.update((k, territory) for k in (territory.id, territory.official_id) if k in keys)
        return found

    def _key_of(self, aggregate: Territory) -> str:
        return aggregate.id

    async def _save_many(self, aggregates: list[Territory]) -> None:
        await self.conn.executemany(
            _SAVE_TERRITORY, [(t.id, t.labelled_for_temps_ii, t.status.value, t.label_withdrawn_on) for t in aggregates]
        )
        await self.conn.executemany(
            _SAVE_BINOME,
            [
                (
                    b.id,
                    t.id,
                    b.elected_mandate.value,
                    b.elected_mandate.authority.value,
                    b.industrial_company,
                    b.industrial_company_size.value,
                    b.industrial_sector,
                    b.appointed_on,
                    b.ended_on,
                    b.synthetic,
                )
                for t in aggregates
                for b in t.binomes
            ],
        )


@dataclass(frozen=True)
class Post:
    """A chef de projet post as stored: its rule (`ChefDeProjetPost`) and the territories it serves, lead first."""

    id: UUID
    rule: ChefDeProjetPost
    served: list[str]


_LOAD_POSTS = """
SELECT p.id, p.started_on, p.ended_on,
       (SELECT array_agg(s.territory_id ORDER BY s.territory_id <> p.lead_territory_id, s.since, s.territory_id)
          FROM chef_de_projet_territories s WHERE s.post_id = p.id) AS served
  FROM chef_de_projet_posts p WHERE p.id = ANY($1::uuid[]) ORDER BY p.id FOR UPDATE OF p
"""


class PostRepository(Repository[UUID, Post]):
    """Read here, locked; a post's changes are rows of its own (`governance.store`), written by its handlers."""

    async def _load_many(self, keys: list[UUID]) -> dict[UUID, Post]:
        rows = await self.conn.fetch(_LOAD_POSTS, keys)
        return {
            r["id"]: Post(
                r["id"], ChefDeProjetPost(frozenset(r["served"]), r["started_on"], r["ended_on"]), r["served"]
            )
            for r in rows
        }


_PLATFORM_ID = re.compile(REFERENCE_TERRITORY_ID_PATTERN)


def check_platform_ids(payloads: Iterable[ContractModel]) -> list[ContractModel]:
    """One key per territory: every territory id an event carries is the platform id, never the official one."""
    payloads = list(payloads)
    for payload in payloads:
        ids = [getattr(payload, "territory_id", None), *getattr(payload, "shared_with", ())]
        wrong = [i for i in ids if i is not None and not _PLATFORM_ID.match(i)]
        if wrong:  # a handler forgot to resolve an id at the edge: a bug, refused before anything is written
            raise ValueError(f"{type(payload).__name__} carries {wrong}: events carry platform territory ids only")
    return payloads


class TerritoryUnitOfWork(UnitOfWork):
    def __init__(
        self, conn: Connection, caller: Caller, *, territories: TerritoryRepository, posts: PostRepository
    ) -> None:
        super().__init__(conn, caller, producer=PRODUCER)
        self.territories = territories
        self.posts = posts
        self.touched: list[str] = []
        """Platform ids of the territories whose reference state changed (announced at the flush)."""

    async def territory(self, any_id: str) -> Territory:
        """The whole territory (platform or official id), locked; UNKNOWN_TERRITORY (404) when none; the caller
        must reach its regions (403 OUT_OF_REGION), checked on the territory found, never on the id quoted."""
        found = await self.territories.get(any_id)
        if found is None:
            raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=any_id)
        self.caller.require_region(found.regions)
        return found

    def touch(self, territory_id: str) -> None:
        if territory_id not in self.touched:
            self.touched.append(territory_id)

    def emit(self, *payloads: ContractModel, topic: str | None = None) -> None:
        super().emit(*check_platform_ids(payloads), topic=topic)

    async def flush(self) -> None:
        """The repositories' writes, then the next revision of every touched territory (and its label, when it
        was never announced: a territory entered after the first start), read back from what was just written."""
        await super().flush()
        touched, self.touched = self.touched, []
        labels, references = [], []
        for territory_id in touched:
            state, label_announced_now = await store.next_state(self.conn, territory_id)
            references.append(reference_updated(state))
            if label_announced_now:
                labels.append(labelled(state))
        self.emit(*labels, *references)

    def discard(self) -> None:
        super().discard()
        self.touched = []


def territory_unit_of_work() -> UnitOfWorkFactory[TerritoryUnitOfWork]:
    def make(conn: Connection, caller: Caller) -> TerritoryUnitOfWork:
        return TerritoryUnitOfWork(conn, caller, territories=TerritoryRepository(conn), posts=PostRepository(conn))

    return make
