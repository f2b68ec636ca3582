"""The rules of a territory a command can break: each a stable English code and a French sentence.

They are the runtime kit's errors, so HTTP answers them with their status (404, 409, 422) and a consumer
would dead-letter them with the same code.
"""

from tdi_runtime.errors import ConflictError, DomainError, NotFoundError

__all__ = [
    "BinomeRequiredError",
    "DomainError",
    "EpciAlreadyInTerritoryError",
    "EpciNotInTerritoryError",
    "InvalidPostError",
    "NoEpciToFundError",
    "PostAlreadyEndedError",
    "UnknownBinomeError",
    "UnknownPostError",
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


class InvalidPostError(DomainError):
    code = "INVALID_CHEF_DE_PROJET_POST"


class NoEpciToFundError(DomainError):
    code = "NO_EPCI_TO_FUND"
