"""The territories a consuming service knows: its own projection of the territory service's events.

A service that needs territories (funding: the EPCI count; vte: which territory a commune is in; actions: is it
labelled) keeps this projection in its own schema and looks it up at decision time, never calling the
territory service. Wiring, in the service's `app.py`:

    create_service_app(..., migrations_package=["tdi_funding", TERRITORY_MIGRATIONS],
                       consumers=[ConsumerSpec("tdi-funding", [*TERRITORY_TOPICS, ...],
                                               {**territory_handlers(), ...})])
"""

from tdi_runtime.territories.lookup import (
    CommunePlace,
    TerritoryRef,
    departement_of_commune,
    find_territories,
    find_territory,
    list_territories,
    locate_commune,
    locate_communes,
    territories_of_communes,
    territory_of_commune,
)
from tdi_runtime.territories.projection import TERRITORY_MIGRATIONS, TERRITORY_TOPICS, territory_handlers

__all__ = [
    "TERRITORY_MIGRATIONS",
    "TERRITORY_TOPICS",
    "CommunePlace",
    "TerritoryRef",
    "departement_of_commune",
    "find_territories",
    "find_territory",
    "list_territories",
    "locate_commune",
    "locate_communes",
    "territories_of_communes",
    "territory_handlers",
    "territory_of_commune",
]
