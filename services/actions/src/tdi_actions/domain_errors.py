"""The rules a fiche action command can break: each a stable English code and a French sentence.

They are the runtime kit's errors, so HTTP answers them with their status (404, 409, 422) and an import
reports them per row with the same code.
"""

from tdi_runtime.errors import ConflictError, DomainError, NotFoundError

__all__ = [
    "DomainError",
    "FicheActionAlreadyExistsError",
    "FicheActionClosedError",
    "InvalidFicheActionError",
    "TerritoryNotLabelledError",
    "TransitionDateError",
    "TransitionForbiddenError",
    "UnknownFicheActionError",
    "UnknownTerritoryError",
]


class UnknownTerritoryError(NotFoundError):
    code = "UNKNOWN_TERRITORY"


class TerritoryNotLabelledError(ConflictError):
    code = "TERRITORY_NOT_LABELLED"


class UnknownFicheActionError(NotFoundError):
    code = "UNKNOWN_FICHE_ACTION"


class TransitionForbiddenError(ConflictError):
    code = "FICHE_ACTION_TRANSITION_FORBIDDEN"


class TransitionDateError(DomainError):
    code = "FICHE_ACTION_DATE_BEFORE_PREVIOUS_STEP"


class FicheActionClosedError(ConflictError):
    code = "FICHE_ACTION_CLOSED"


class InvalidFicheActionError(DomainError):
    code = "INVALID_FICHE_ACTION"


class FicheActionAlreadyExistsError(ConflictError):
    code = "FICHE_ACTION_ALREADY_EXISTS"
