"""The rules of the funding service a command can break: each a stable code (from the contracts' ErrorCode,
so a partner reads the same code) and a French sentence.

They are the runtime kit's errors: HTTP answers them with their status, the partner ingress with a rejection.
"""

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import ConflictError, DomainError, ForbiddenError, NotFoundError

__all__ = [
    "ApplicationNotEligibleError",
    "ChefDeProjetCapReachedError",
    "DomainError",
    "EnvelopeAlreadyOpenedError",
    "EnvelopeCeilingBelowCommittedError",
    "EnvelopeCeilingExceededError",
    "EnvelopeCeilingNotSetError",
    "EnvelopeClosedError",
    "EnvelopeFilingClosedError",
    "EnvelopeStillOpenError",
    "InvalidTransitionError",
    "PaymentExceedsCommitmentError",
    "ProgrammeAlreadyDeclaredError",
    "ProgrammeNotDecidedByPartnerError",
    "ProgrammeNotOperatedError",
    "RegionalCeilingsAboveNationalError",
    "ReleaseExceedsCommitmentError",
    "UnknownApplicationError",
    "UnknownEnvelopeError",
    "UnknownProgrammeError",
    "UnknownTerritoryError",
]


class UnknownTerritoryError(NotFoundError):
    code = ErrorCode.UNKNOWN_TERRITORY.value


class UnknownApplicationError(NotFoundError):
    code = ErrorCode.UNKNOWN_AGGREGATE.value


class UnknownEnvelopeError(NotFoundError):
    code = ErrorCode.UNKNOWN_AGGREGATE.value


class EnvelopeCeilingExceededError(ConflictError):
    code = ErrorCode.ENVELOPE_CEILING_EXCEEDED.value


class EnvelopeAlreadyOpenedError(ConflictError):
    code = ErrorCode.ENVELOPE_ALREADY_OPENED.value


class EnvelopeClosedError(ConflictError):
    code = ErrorCode.ENVELOPE_CLOSED.value


class PaymentExceedsCommitmentError(ConflictError):
    code = ErrorCode.PAYMENT_EXCEEDS_COMMITMENT.value


class ReleaseExceedsCommitmentError(ConflictError):
    code = ErrorCode.RELEASE_EXCEEDS_COMMITMENT.value


class InvalidTransitionError(ConflictError):
    code = ErrorCode.APPLICATION_STATE_CONFLICT.value


class ApplicationNotEligibleError(DomainError):
    code = ErrorCode.APPLICATION_NOT_ELIGIBLE.value


class ProgrammeNotOperatedError(ForbiddenError):
    code = ErrorCode.PROGRAMME_NOT_OPERATED.value


class ProgrammeNotDecidedByPartnerError(ForbiddenError):
    """A partner (or a staff role) that advises on a programme tried to decide on it (issue 24, A1)."""

    code = ErrorCode.PROGRAMME_NOT_DECIDED_BY_PARTNER.value


class UnknownProgrammeError(NotFoundError):
    code = ErrorCode.UNKNOWN_PROGRAMME.value


class ChefDeProjetCapReachedError(ConflictError):
    """The territory's yearly cap or 70 % of the post would be passed (issue 24, B1)."""

    code = ErrorCode.CHEF_DE_PROJET_CAP_REACHED.value


class EnvelopeCeilingNotSetError(ConflictError):
    code = ErrorCode.ENVELOPE_CEILING_NOT_SET.value


class EnvelopeCeilingBelowCommittedError(ConflictError):
    code = ErrorCode.ENVELOPE_CEILING_BELOW_COMMITTED.value


class RegionalCeilingsAboveNationalError(ConflictError):
    code = ErrorCode.REGIONAL_CEILINGS_ABOVE_NATIONAL.value


class EnvelopeFilingClosedError(ConflictError):
    code = ErrorCode.ENVELOPE_FILING_CLOSED.value


class EnvelopeStillOpenError(ConflictError):
    code = ErrorCode.ENVELOPE_STILL_OPEN.value


class ProgrammeAlreadyDeclaredError(ConflictError):
    code = ErrorCode.PROGRAMME_ALREADY_DECLARED.value
