"""Events and commands of the funding service: envelopes, applications, grants, payments."""

from .applications import (
    ApplicationApproved,
    ApplicationFiled,
    ApplicationInstructionStarted,
    ApplicationRejected,
    ApplicationWithdrawn,
    RejectionReason,
)
from .commands import CommitGrant, FileApplication, RecordPayment, ReleaseCommitment
from .envelopes import EnvelopeBalanceChanged, EnvelopeClosed, EnvelopeOpened
from .grants import CommitmentReleased, GrantCommitted, PaymentMade, ReleaseReason
from .ledger import GAP_REFERENCE, LedgerGapExplained, StateTransferMade

__all__ = [
    "GAP_REFERENCE",
    "ApplicationApproved",
    "ApplicationFiled",
    "ApplicationInstructionStarted",
    "ApplicationRejected",
    "ApplicationWithdrawn",
    "CommitGrant",
    "CommitmentReleased",
    "EnvelopeBalanceChanged",
    "EnvelopeClosed",
    "EnvelopeOpened",
    "FileApplication",
    "GrantCommitted",
    "LedgerGapExplained",
    "PaymentMade",
    "RecordPayment",
    "RejectionReason",
    "ReleaseCommitment",
    "ReleaseReason",
    "StateTransferMade",
]
