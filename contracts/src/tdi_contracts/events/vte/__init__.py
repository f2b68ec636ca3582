"""Events and commands of the vte service: VTE contracts (pseudonymised candidates) and their aid."""

from .aid import VteAidGranted, VteAidPaid, VteGreenTopUpGranted
from .commands import EndVteContract, RecordVteAidPayment, RecordVteContract
from .contracts import VteContractEnded, VteContractSigned
from .eligibility import CandidateStatus, ContractEndReason, DegreeLevel

__all__ = [
    "CandidateStatus",
    "ContractEndReason",
    "DegreeLevel",
    "EndVteContract",
    "RecordVteAidPayment",
    "RecordVteContract",
    "VteAidGranted",
    "VteAidPaid",
    "VteContractEnded",
    "VteContractSigned",
    "VteGreenTopUpGranted",
]
