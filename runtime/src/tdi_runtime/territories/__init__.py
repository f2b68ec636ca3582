"""The territories a consuming service knows: its own projection of the territory service's events.

A service that needs territories (funding: the EPCI count; vte: which territory a commune is in; actions: is it
labelled) keeps this projection in its own schema and looks it up at decision time, never calling the
territory service. Wiring: the service's registry includes the projection's, its unit of work reads it through
`KnownTerritories` / `CommuneTerritories`, and `app.py` lists its migrations and topics:

    registry: Registry[VteUnitOfWork] = Registry(TERRITORY_PROJECTION)
    create_service_app(..., migrations_package=["tdi_vte", TERRITORY_MIGRATIONS], registry=registry, uow=...,
                       consumers=[ConsumerSpec("tdi-vte", [*TERRITORY_TOPICS, ...], registry=registry)])
"""

from tdi_runtime.territories.lookup import (
    CommunePlace,
    TerritoryRef,
    find_territories,
    find_territory,
    list_territories,
    locate_commune,
    locate_communes,
    territories_of_communes,
    territory_of_commune,
)
from tdi_runtime.territories.projection import (
    TERRITORY_MIGRATIONS,
    TERRITORY_PROJECTION,
    TERRITORY_TOPICS,
)
from tdi_runtime.territories.repositories import CommuneTerritories, KnownTerritories

__all__ = [
    "TERRITORY_MIGRATIONS",
    "TERRITORY_PROJECTION",
    "TERRITORY_TOPICS",
    "CommunePlace",
    "CommuneTerritories",
    "KnownTerritories",
    "TerritoryRef",
    "find_territories",
    "find_territory",
    "list_territories",
    "locate_commune",
    "locate_communes",
    "territories_of_communes",
    "territory_of_commune",
]
