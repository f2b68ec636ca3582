"""Events of the territory service: labelling, perimeter (EPCI, communes), binômes and chefs de projet."""

from .governance import (
    BinomeAppointed,
    BinomeEnded,
    ChefDeProjetAppointed,
    ChefDeProjetEnded,
    ChefDeProjetShared,
)
from .perimeter import (
    CommuneAliasKind,
    CommuneAssigned,
    CommuneCodeAliased,
    EpciJoined,
    EpciLeft,
    TerritoryLabelled,
    TerritoryLabelWithdrawn,
)
from .registers import (
    EcoleDeProductionRecorded,
    RebondLaureateRecorded,
    RegionalChefDeProjetAppointed,
    RegionalChefDeProjetEnded,
    SiteCriteriaAssessed,
    SiteMaturityChanged,
    SiteProposed,
    SiteSelected,
    SiteSupportRecorded,
)
from .snapshot import TerritoryReferenceUpdated

__all__ = [
    "BinomeAppointed",
    "BinomeEnded",
    "ChefDeProjetAppointed",
    "ChefDeProjetEnded",
    "ChefDeProjetShared",
    "CommuneAliasKind",
    "CommuneAssigned",
    "CommuneCodeAliased",
    "EcoleDeProductionRecorded",
    "EpciJoined",
    "EpciLeft",
    "RebondLaureateRecorded",
    "RegionalChefDeProjetAppointed",
    "RegionalChefDeProjetEnded",
    "SiteCriteriaAssessed",
    "SiteMaturityChanged",
    "SiteProposed",
    "SiteSelected",
    "SiteSupportRecorded",
    "TerritoryLabelWithdrawn",
    "TerritoryLabelled",
    "TerritoryReferenceUpdated",
]
