"""Folds the territory service's events into `known_territories` and `known_communes` (aliases included: a
former code, a commune déléguée or a Paris-Lyon-Marseille arrondissement is a row naming its commune), idempotently.

The reference topic is compacted and carries each territory's full state with a revision: an update is kept
only when its revision is newer, so a replay, a redelivery or a late older copy changes nothing.
"""

from __future__ import annotations

from tdi_contracts.events.territory import CommuneAssigned, CommuneCodeAliased, EpciLeft, TerritoryReferenceUpdated
from tdi_contracts.topics import TERRITORY, TERRITORY_REFERENCE
from tdi_runtime.pipeline.registry import Registry
from tdi_runtime.pipeline.uow import UnitOfWork

TERRITORY_MIGRATIONS = "tdi_runtime.territories"
"""The migrations package of the projection's tables, to list beside the service's own."""
TERRITORY_TOPICS: tuple[str, ...] = (TERRITORY_REFERENCE.name, TERRITORY.name)
"""The topics the projection reads (other event types on them are passed over)."""
TERRITORY_PROJECTION: Registry[UnitOfWork] = Registry()
"""The projection's handlers: a service's registry includes it (`Registry(TERRITORY_PROJECTION)`)."""


_UPSERT_TERRITORY = """
INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements, epci_sirens,
                               active_binomes, chefs_de_projet, revision, as_of, perimeter_known, perimeter_as_of,
                               perimeter_communes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (territory_id) DO UPDATE SET
    official_id = excluded.official_id, name = excluded.name, labelled = excluded.labelled,
    regions = excluded.regions, departements = excluded.departements, epci_sirens = excluded.epci_sirens,
    active_binomes = excluded.active_binomes, chefs_de_projet = excluded.chefs_de_projet,
    revision = excluded.revision, as_of = excluded.as_of, perimeter_known = excluded.perimeter_known,
    perimeter_as_of = excluded.perimeter_as_of, perimeter_communes = excluded.perimeter_communes
WHERE known_territories.revision < excluded.revision
"""
_UPSERT_COMMUNE = """
INSERT INTO known_communes (insee, territory_id, epci_siren, departement, assigned_on, alias_of, alias_kind)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (insee) DO UPDATE SET
    territory_id = excluded.territory_id, epci_siren = excluded.epci_siren,
    departement = excluded.departement, assigned_on = excluded.assigned_on,
    alias_of = excluded.alias_of, alias_kind = excluded.alias_kind
WHERE known_communes.assigned_on <= excluded.assigned_on
"""
_EPCI_LEFT = "DELETE FROM known_communes WHERE territory_id = $1 AND epci_siren = $2 AND assigned_on <= $3"


@TERRITORY_PROJECTION.handles(TerritoryReferenceUpdated)
async def on_reference_updated(t: TerritoryReferenceUpdated, uow: UnitOfWork) -> None:
    await uow.defer(
        _UPSERT_TERRITORY,
        t.territory_id,
        t.official_id,
        t.name,
        t.labelled,
        [r.value for r in t.regions],
        [d.value for d in t.departements],
        list(t.epci_sirens),
        t.active_binomes,
        list(t.chefs_de_projet),
        t.revision,
        t.as_of,
        t.perimeter_known,
        t.perimeter_as_of,
        t.perimeter_communes,
    )


@TERRITORY_PROJECTION.handles(CommuneAssigned)
async def on_commune_assigned(c: CommuneAssigned, uow: UnitOfWork) -> None:
    departement = c.departement.value
    await uow.defer(
        _UPSERT_COMMUNE, c.commune_insee, c.territory_id, c.epci_siren, departement, c.assigned_on, None, None
    )


@TERRITORY_PROJECTION.handles(CommuneCodeAliased)
async def on_commune_code_aliased(a: CommuneCodeAliased, uow: UnitOfWork) -> None:
    """An alias is a row like its commune's (same territory and EPCI: it leaves with its EPCI), naming it."""
    await uow.defer(
        _UPSERT_COMMUNE,
        a.alias_insee,
        a.territory_id,
        a.epci_siren,
        a.departement.value,
        a.aliased_on,
        a.commune_insee,
        a.kind.value,
    )


@TERRITORY_PROJECTION.handles(EpciLeft)
async def on_epci_left(e: EpciLeft, uow: UnitOfWork) -> None:
    await uow.defer(_EPCI_LEFT, e.territory_id, e.epci_siren, e.left_on)
