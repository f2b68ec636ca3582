"""The vte service's repositories and its unit of work (the kit opens, flushes and commits it).

- `ContractRepository`: contracts by Bpifrance's reference, each under an advisory lock (one statement for a
  whole batch, references sorted: every consumer takes them in the same order, no deadlock), read in one query,
  saved in one `executemany` at the flush.
- `PlaceLookup`: where an establishment stands (`location.place_of`, README *Locating*), by (commune, quoted
  territory): the kit's `locate_communes` for the whole batch (one query for the communes a territory holds,
  one for the territories that could hold the others).
- `HeldContracts`: the contracts held pending, by the territory whose perimeter they wait for.
- `OfferRepository`: offers, written once each.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from datetime import date

from tdi_contracts.events.vte import RecordVteOffer
from tdi_runtime.db import Connection
from tdi_runtime.pipeline import Caller, Repository, UnitOfWork, UnitOfWorkFactory
from tdi_runtime.territories import CommunePlace, locate_communes
from tdi_vte.contract_state import SAVE, aggregate_of, row_of
from tdi_vte.domain import VteContract, contract_id_of
from tdi_vte.location import Location, Waiting, place_of
from tdi_vte.rules import VteRules

PRODUCER = "vte"
PlaceKey = tuple[str, str | None]
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


class PlaceLookup(Repository[PlaceKey, Location | Waiting]):
    """Read-only: the projection is the territory service's, this service never writes it here. A key absent from
    the answer is outside every territory. `discard()` before reading again what territory events changed."""

    async def _load_many(self, keys: list[PlaceKey]) -> dict[PlaceKey, Location | Waiting]:
        found: dict[PlaceKey, Location | Waiting] = {}
        rest = keys
        while rest:  # one round per quoted territory of the same commune: one round almost always
            communes: dict[str, str | None] = {}
            later: list[PlaceKey] = []
            for insee, quoted in rest:
                if insee in communes:
                    later.append((insee, quoted))
                else:
                    communes[insee] = quoted
            places = await self._locate(list(communes), {i: q for i, q in communes.items() if q is not None})
            for insee, quoted in communes.items():
                place = place_of(places[insee])
                if place is not None:
                    found[(insee, quoted)] = place
            rest = later
        return found

    async def _locate(self, insees: list[str], quoted: dict[str, str]) -> dict[str, CommunePlace]:
        return await locate_communes(self.conn, insees, quoted)


class HeldContracts(Repository[str, tuple[str, ...]]):
    """Read-only: the references of the contracts held pending, by a territory they wait for (read for a batch's
    territory events at once); those this unit of work holds are added by `hold`, as they are not stored yet."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self._new: dict[str, set[str]] = {}

    async def _load_many(self, keys: list[str]) -> dict[str, tuple[str, ...]]:
        rows = await self.conn.fetch(
            "SELECT t, array_agg(contract_reference ORDER BY contract_reference) AS refs"
            " FROM vte_contracts, unnest(waiting_for) AS t"
            " WHERE decision = 'pending' AND waiting_for && $1::text[] AND t = ANY($1::text[]) GROUP BY t",
            keys,
        )
        return {row["t"]: tuple(row["refs"]) for row in rows}

    def hold(self, contract: VteContract) -> None:
        for territory in contract.waiting_for:
            self._new.setdefault(territory, set()).add(contract.contract_reference)

    async def waiting_for(self, territory_id: str) -> list[str]:
        """Every contract that may be held for this territory (some may have been decided since: check)."""
        stored = await self.get(territory_id) or ()
        return sorted({*stored, *self._new.get(territory_id, ())})

    def discard(self) -> None:
        super().discard()
        self._new.clear()


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
        held: HeldContracts,
    ) -> None:
        super().__init__(conn, caller, producer=PRODUCER)
        self.rules = rules
        """The platform rules of this deployment (`TDI_VTE_*`)."""
        self.contracts = contracts
        self.places = places
        self.offers = offers
        self.held = held


def vte_unit_of_work(rules: VteRules) -> UnitOfWorkFactory[VteUnitOfWork]:
    def make(conn: Connection, caller: Caller) -> VteUnitOfWork:
        return VteUnitOfWork(
            conn,
            caller,
            rules=rules,
            contracts=ContractRepository(conn),
            places=PlaceLookup(conn),
            offers=OfferRepository(conn),
            held=HeldContracts(conn),
        )

    return make
