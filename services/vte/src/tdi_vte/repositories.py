"""The vte service's repositories and its unit of work (the kit opens, flushes and commits it).

- `ContractRepository`: contracts by Bpifrance's reference, each under an advisory lock (one statement for a
  whole batch, references sorted: every consumer takes them in the same order, no deadlock), read in one query,
  saved in one `executemany` at the flush.
- `PlaceLookup`: where an establishment is (`location.locate`, README *Locating*), by (commune, quoted
  territory): the communes in one query, then the quoted territories of communes the projection lacks in one.
- `OfferRepository`: offers, written once each.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from datetime import date

from tdi_contracts.events.vte import RecordVteOffer
from tdi_runtime.db import Connection
from tdi_runtime.pipeline import Caller, Repository, UnitOfWork, UnitOfWorkFactory
from tdi_runtime.territories import TerritoryRef, find_territories, territories_of_communes
from tdi_vte.contract_state import SAVE, aggregate_of, row_of
from tdi_vte.domain import VteContract, contract_id_of
from tdi_vte.location import Location, locate
from tdi_vte.rules import VteRules

PRODUCER = "vte"
Place = tuple[str, str | None]
"""(the establishment's commune, the territory the partner quoted, if any)."""


class ContractRepository(Repository[str, VteContract]):
    async def _lock_many(self, keys: list[str]) -> None:
        await self.conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('vte-contract'), hashtext(r)) FROM unnest($1::text[]) AS r",
            keys,  # a function scan returns the array's order: the locks are taken sorted
        )

    async def _load_many(self, keys: list[str]) -> dict[str, VteContract]:
        rows = await self.conn.fetch(
            "SELECT contract_reference, state FROM vte_contracts WHERE vte_contract_id = ANY($1::uuid[])",
            [contract_id_of(k) for k in keys],
        )
        return {row["contract_reference"]: aggregate_of(json.loads(row["state"])) for row in rows}

    def _key_of(self, aggregate: VteContract) -> str:
        return aggregate.contract_reference

    async def _save_many(self, aggregates: list[VteContract]) -> None:
        await self.conn.executemany(SAVE, [row_of(c) for c in aggregates])


class PlaceLookup(Repository[Place, Location]):
    """Read-only: the projection is the territory service's, this service never writes it here."""

    async def _load_many(self, keys: list[Place]) -> dict[Place, Location]:
        communes = await self._territories_of_communes(sorted({insee for insee, _ in keys}))
        quoted = sorted({q for insee, q in keys if q is not None and insee not in communes})
        territories = await self._territories(quoted) if quoted else {}
        found = {}
        for insee, q in keys:
            location = locate(insee, communes.get(insee), None if q is None else territories.get(q))
            if location is not None:
                found[(insee, q)] = location
        return found

    async def _territories_of_communes(self, insees: list[str]) -> dict[str, TerritoryRef]:
        return await territories_of_communes(self.conn, insees)

    async def _territories(self, any_ids: list[str]) -> dict[str, TerritoryRef]:
        return await find_territories(self.conn, any_ids)


@dataclass(frozen=True)
class RecordedOffer:
    """An offer as kept for the counts, with the territory it was located in when recorded."""

    offer_reference: str
    siret: str
    siren: str
    size: str
    commune_insee: str
    territory_id: str | None
    green_mission: bool
    published_on: date

    @classmethod
    def of(cls, offer: RecordVteOffer, territory_id: str | None) -> RecordedOffer:
        e = offer.establishment
        return cls(
            offer.offer_reference,
            e.siret,
            e.siren,
            e.size.value,
            e.commune_insee,
            territory_id,
            offer.green_mission,
            offer.published_on,
        )


class OfferRepository(Repository[str, RecordedOffer]):
    """Written only (the same offer again changes nothing); the counts read the table (`queries`)."""

    def _key_of(self, aggregate: RecordedOffer) -> str:
        return aggregate.offer_reference

    async def _save_many(self, aggregates: list[RecordedOffer]) -> None:
        await self.conn.executemany(
            "INSERT INTO vte_offers VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (offer_reference) DO NOTHING",
            [astuple(o) for o in aggregates],
        )


class VteUnitOfWork(UnitOfWork):
    def __init__(
        self,
        conn: Connection,
        caller: Caller,
        *,
        rules: VteRules,
        contracts: ContractRepository,
        places: PlaceLookup,
        offers: OfferRepository,
    ) -> None:
        super().__init__(conn, caller, producer=PRODUCER)
        self.rules = rules
        """The platform rules of this deployment (`TDI_VTE_*`)."""
        self.contracts = contracts
        self.places = places
        self.offers = offers


def vte_unit_of_work(rules: VteRules) -> UnitOfWorkFactory[VteUnitOfWork]:
    def make(conn: Connection, caller: Caller) -> VteUnitOfWork:
        return VteUnitOfWork(
            conn,
            caller,
            rules=rules,
            contracts=ContractRepository(conn),
            places=PlaceLookup(conn),
            offers=OfferRepository(conn),
        )

    return make
