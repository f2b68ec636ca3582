"""The funding service's repositories and its unit of work (the kit opens, flushes and commits it).

- `DossierRepository`: dossiers whole (history and payments), each locked for the transaction (`FOR UPDATE`, ids
  sorted, one statement), read in one query, saved at the flush (one `executemany` per table); a consumer batch's
  dossiers are locked and read before its decisions (`warm`). A new dossier is written at once (`file`), so a
  partner's reference filed twice in one batch is one dossier.
- `EnvelopeRepository`: envelopes, read without a lock (`held` locks one: staff changing its ceiling or life). Never
  saved whole: the amounts change only through the store's conditional UPDATEs (`store_envelopes`: the guard that
  keeps an envelope from ever being over-committed, under concurrency), whose answer the repository then keeps.
- `ProgrammeRules`: a programme's rules by code, the catalogue's or a partner's declared one (read-only).
- `territories`: the kit's projection (`KnownTerritories`, read-only).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference.programmes_catalogue import ProgrammeRules
from tdi_funding import programmes, store_applications, store_envelopes
from tdi_funding.domain.envelope import Envelope
from tdi_funding.settings import FundingRules
from tdi_funding.store_applications import StoredApplication
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Caller, Repository, UnitOfWork, UnitOfWorkFactory
from tdi_runtime.territories import KnownTerritories, TerritoryRef

PRODUCER = "funding"


class DossierRepository(Repository[UUID, StoredApplication]):
    async def _lock_many(self, keys: list[UUID]) -> None:
        await store_applications.lock_many(self.conn, keys)

    async def _load_many(self, keys: list[UUID]) -> dict[UUID, StoredApplication]:
        return await store_applications.load_many(self.conn, keys)

    def _key_of(self, aggregate: StoredApplication) -> UUID:
        return aggregate.application.application_id

    async def _save_many(self, aggregates: list[StoredApplication]) -> None:
        await store_applications.save_many(self.conn, aggregates)

    async def of_grant(self, grant_id: UUID) -> StoredApplication | None:
        """The dossier of a grant: one this unit of work approved (not saved yet), else the stored one, locked."""
        for stored in self._seen.values():
            if stored is not None and stored.application.grant_id == grant_id:
                return stored
        application_id = await store_applications.application_of_grant(self.conn, grant_id)
        return None if application_id is None else await self.get(application_id)

    async def warm(self, application_ids: Iterable[UUID], grant_ids: Iterable[UUID]) -> None:
        """A consumer batch's dossiers (by their id or their grant's), locked in one statement and read in one query
        before its decisions."""
        ids, grants = list(application_ids), list(grant_ids)
        if grants:
            ids += await store_applications.applications_of_grants(self.conn, grants)
        await self.get_many(ids)

    async def file(self, stored: StoredApplication) -> None:
        """A new dossier, written now (its row holds its lock until the commit)."""
        await store_applications.insert(self.conn, stored, stored.updated_at)
        key = self._key_of(stored)
        self._seen[key] = stored
        self._locked.add(key)


class EnvelopeRepository(Repository[str, Envelope]):
    async def _load_many(self, keys: list[str]) -> dict[str, Envelope]:
        return await store_envelopes.load_many(self.conn, keys)

    async def held(self, envelope_id: str) -> Envelope | None:
        """The envelope locked for the transaction (`FOR UPDATE`), read again after the lock."""
        found = await store_envelopes.load(self.conn, envelope_id, for_update=True)
        self.now(envelope_id, found)
        return found

    def now(self, envelope_id: str, envelope: Envelope | None) -> Envelope | None:
        """The envelope as a conditional UPDATE (or a lock) returned it: what this unit of work reads from now on."""
        self._seen[envelope_id] = envelope
        return envelope


class ProgrammeRulesLookup(Repository[str, ProgrammeRules]):
    """Read-only: the catalogue's programmes, and those partners declared (`programmes` table)."""

    async def _load_many(self, keys: list[str]) -> dict[str, ProgrammeRules]:
        return await programmes.rules_of(self.conn, keys)

    async def of(self, code: str) -> ProgrammeRules:
        """The programme's rules, or UNKNOWN_PROGRAMME."""
        found = await self.get(code)
        if found is None:
            raise DomainError(
                ErrorCode.UNKNOWN_PROGRAMME,
                f"Le programme « {code} » n'est ni au catalogue ni déclaré par un partenaire.",
                field="programme",
                value=code,
            )
        return found

    def declared(self, code: str, rules: ProgrammeRules) -> None:
        """A programme declared by this unit of work: known from now on."""
        self._seen[code] = rules


class Territories(KnownTerritories):
    async def known(self, any_id: str) -> TerritoryRef:
        """The territory from the local projection, by platform or official id; unknown: UNKNOWN_TERRITORY."""
        ref = await self.get(any_id)
        if ref is None:
            raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=any_id)
        return ref


class FundingUnitOfWork(UnitOfWork):
    def __init__(
        self,
        conn: Connection,
        caller: Caller,
        *,
        rules: FundingRules,
        dossiers: DossierRepository,
        envelopes: EnvelopeRepository,
        programmes: ProgrammeRulesLookup,
        territories: Territories,
    ) -> None:
        super().__init__(conn, caller, producer=PRODUCER)
        self.rules = rules
        """The platform rules of this deployment (`TDI_FUNDING_*`)."""
        self.dossiers = dossiers
        self.envelopes = envelopes
        self.programmes = programmes
        self.territories = territories


def funding_unit_of_work(rules: FundingRules) -> UnitOfWorkFactory[FundingUnitOfWork]:
    def make(conn: Connection, caller: Caller) -> FundingUnitOfWork:
        return FundingUnitOfWork(
            conn,
            caller,
            rules=rules,
            dossiers=DossierRepository(conn),
            envelopes=EnvelopeRepository(conn),
            programmes=ProgrammeRulesLookup(conn),
            territories=Territories(conn),
        )

    return make
