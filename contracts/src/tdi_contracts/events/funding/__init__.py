"""Events and commands of the funding service: envelopes, applications, grants, payments."""

from .applications import (
    ApplicationApproved,
    ApplicationFiled,
    ApplicationFiledV2,
    ApplicationInstructionStarted,
    ApplicationRejected,
    ApplicationWithdrawn,
    RejectionReason,
)
from .commands import (
    CommitGrant,
    DeclareProgramme,
    FileApplication,
    FileApplicationV2,
    RecordPayment,
    RefuseApplication,
    ReleaseCommitment,
    WithdrawApplication,
)
from .envelopes import (
    EnvelopeBalanceChanged,
    EnvelopeBalanceChangedV2,
    EnvelopeBalanceReleased,
    EnvelopeCeilingFixed,
    EnvelopeClosed,
    EnvelopeOpened,
    EnvelopeOpenedV2,
    ProgrammeDeclared,
)
from .grants import CommitmentReleased, GrantCommitted, GrantCommittedV2, PaymentMade, ReleaseReason
from .ledger import GAP_REFERENCE, LedgerGapExplained, StateTransferMade
from .opinions import ApplicationOpinionRecorded, Opinion, RecordApplicationOpinion

__all__ = [
    "GAP_REFERENCE",
    "ApplicationApproved",
    "ApplicationFiled",
    "ApplicationFiledV2",
    "ApplicationInstructionStarted",
    "ApplicationOpinionRecorded",
    "ApplicationRejected",
    "ApplicationWithdrawn",
    "CommitGrant",
    "CommitmentReleased",
    "DeclareProgramme",
    "EnvelopeBalanceChanged",
    "EnvelopeBalanceChangedV2",
    "EnvelopeBalanceReleased",
    "EnvelopeCeilingFixed",
    "EnvelopeClosed",
    "EnvelopeOpened",
    "EnvelopeOpenedV2",
    "FileApplication",
    "FileApplicationV2",
    "GrantCommitted",
    "GrantCommittedV2",
    "LedgerGapExplained",
    "Opinion",
    "PaymentMade",
    "ProgrammeDeclared",
    "RecordApplicationOpinion",
    "RecordPayment",
    "RefuseApplication",
    "RejectionReason",
    "ReleaseCommitment",
    "ReleaseReason",
    "StateTransferMade",
    "WithdrawApplication",
]
