"""Events of the territory service: labelling, perimeter (EPCI, communes), binômes and chefs de projet."""

from .governance import (
    BinomeAppointed,
    BinomeEnded,
    ChefDeProjetAppointed,
    ChefDeProjetEnded,
    ChefDeProjetShared,
)
from .perimeter import CommuneAssigned, EpciJoined, EpciLeft, TerritoryLabelled, TerritoryLabelWithdrawn
from .snapshot import TerritoryReferenceUpdated

__all__ = [
    "BinomeAppointed",
    "BinomeEnded",
    "ChefDeProjetAppointed",
    "ChefDeProjetEnded",
    "ChefDeProjetShared",
    "CommuneAssigned",
    "EpciJoined",
    "EpciLeft",
    "TerritoryLabelWithdrawn",
    "TerritoryLabelled",
    "TerritoryReferenceUpdated",
]
