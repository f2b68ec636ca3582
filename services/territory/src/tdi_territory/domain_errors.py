"""The rules of a territory a command can break: each a stable English code and a French sentence.

They are the runtime kit's errors, so HTTP answers them with their status (404, 409, 422) and a consumer
would dead-letter them with the same code.
"""

from tdi_runtime.errors import ConflictError, DomainError, NotFoundError

__all__ = [
    "BinomeAlreadyEndedError",
    "BinomeLimitReachedError",
    "BinomeRequiredError",
    "ChefDeProjetLimitReachedError",
    "CommuneNotInCogError",
    "DomainError",
    "EpciAlreadyInTerritoryError",
    "EpciLimitReachedError",
    "EpciNotInTerritoryError",
    "InvalidBinomeError",
    "InvalidPostError",
    "InvalidTerritoryError",
    "LabelAlreadyWithdrawnError",
    "LimitReachedError",
    "PostAlreadyEndedError",
    "RebondLaureateAlreadyRecordedError",
    "SiteAlreadySelectedError",
    "TerritoryAlreadyListedError",
    "TerritoryWithdrawnError",
    "UnknownBinomeError",
    "UnknownPostError",
    "UnknownSiteError",
    "UnknownTerritoryError",
]


class UnknownTerritoryError(NotFoundError):
    code = "UNKNOWN_TERRITORY"


class UnknownPostError(NotFoundError):
    code = "UNKNOWN_CHEF_DE_PROJET_POST"


class UnknownBinomeError(NotFoundError):
    code = "UNKNOWN_BINOME"


class EpciAlreadyInTerritoryError(ConflictError):
    code = "EPCI_ALREADY_IN_TERRITORY"


class EpciNotInTerritoryError(ConflictError):
    code = "EPCI_NOT_IN_TERRITORY"


class PostAlreadyEndedError(ConflictError):
    code = "CHEF_DE_PROJET_POST_ENDED"


class BinomeRequiredError(ConflictError):
    code = "BINOME_REQUIRED"


class BinomeAlreadyEndedError(ConflictError):
    code = "BINOME_ALREADY_ENDED"


class LimitReachedError(ConflictError):
    """A territory already holds as many EPCI, binômes or chef de projet posts as the contracts carry."""


class EpciLimitReachedError(LimitReachedError):
    code = "EPCI_LIMIT_REACHED"


class BinomeLimitReachedError(LimitReachedError):
    code = "BINOME_LIMIT_REACHED"


class ChefDeProjetLimitReachedError(LimitReachedError):
    code = "CHEF_DE_PROJET_LIMIT_REACHED"


class TerritoryWithdrawnError(ConflictError):
    code = "TERRITORY_LABEL_WITHDRAWN"


class LabelAlreadyWithdrawnError(ConflictError):
    code = "LABEL_ALREADY_WITHDRAWN"


class TerritoryAlreadyListedError(ConflictError):
    code = "TERRITORY_ALREADY_LISTED"


class InvalidPostError(DomainError):
    code = "INVALID_CHEF_DE_PROJET_POST"


class InvalidBinomeError(DomainError):
    code = "INVALID_BINOME"


class InvalidTerritoryError(DomainError):
    code = "INVALID_TERRITORY"


def unknown_territory(territory_id: str) -> UnknownTerritoryError:
    message = f"Le territoire {territory_id} ne figure pas dans la liste des Territoires d'industrie."
    return UnknownTerritoryError(message, details={"field": "territory_id", "value": territory_id})


class CommuneNotInCogError(DomainError):
    code = "COMMUNE_NOT_IN_COG"


class UnknownSiteError(NotFoundError):
    code = "UNKNOWN_SITE"


class SiteAlreadySelectedError(ConflictError):
    code = "SITE_ALREADY_SELECTED"


class RebondLaureateAlreadyRecordedError(ConflictError):
    code = "REBOND_LAUREATE_ALREADY_RECORDED"
