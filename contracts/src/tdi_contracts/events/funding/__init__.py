"""Events and commands of the funding service: envelopes, applications, grants, payments."""

from .applications import ApplicationApproved, ApplicationFiled, ApplicationRejected, RejectionReason
from .commands import CommitGrant, FileApplication, RecordPayment, ReleaseCommitment
from .envelopes import EnvelopeClosed, EnvelopeOpened
from .grants import CommitmentReleased, GrantCommitted, PaymentMade, ReleaseReason

__all__ = [
    "ApplicationApproved",
    "ApplicationFiled",
    "ApplicationRejected",
    "CommitGrant",
    "CommitmentReleased",
    "EnvelopeClosed",
    "EnvelopeOpened",
    "FileApplication",
    "GrantCommitted",
    "PaymentMade",
    "RecordPayment",
    "RejectionReason",
    "ReleaseCommitment",
    "ReleaseReason",
]
