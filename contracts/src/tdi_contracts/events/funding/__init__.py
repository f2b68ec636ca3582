"""Events and commands of the funding service: envelopes, applications, grants, payments."""

from .applications import (
    ApplicationApproved,
    ApplicationFiled,
    ApplicationInstructionStarted,
    ApplicationRejected,
    ApplicationWithdrawn,
    RejectionReason,
)
from .commands import (
    CommitGrant,
    FileApplication,
    RecordPayment,
    RefuseApplication,
    ReleaseCommitment,
    WithdrawApplication,
)
from .envelopes import (
    EnvelopeBalanceChanged,
    EnvelopeBalanceChangedV2,
    EnvelopeBalanceReleased,
    EnvelopeCeilingSet,
    EnvelopeClosed,
    EnvelopeOpened,
    EnvelopeOpenedV2,
)
from .grants import CommitmentReleased, GrantCommitted, PaymentMade, ReleaseReason
from .opinions import ApplicationOpinionRecorded, Opinion, RecordApplicationOpinion

__all__ = [
    "ApplicationApproved",
    "ApplicationFiled",
    "ApplicationInstructionStarted",
    "ApplicationOpinionRecorded",
    "ApplicationRejected",
    "ApplicationWithdrawn",
    "CommitGrant",
    "CommitmentReleased",
    "EnvelopeBalanceChanged",
    "EnvelopeBalanceChangedV2",
    "EnvelopeBalanceReleased",
    "EnvelopeCeilingSet",
    "EnvelopeClosed",
    "EnvelopeOpened",
    "EnvelopeOpenedV2",
    "FileApplication",
    "GrantCommitted",
    "Opinion",
    "PaymentMade",
    "RecordApplicationOpinion",
    "RecordPayment",
    "RefuseApplication",
    "RejectionReason",
    "ReleaseCommitment",
    "ReleaseReason",
    "WithdrawApplication",
]
