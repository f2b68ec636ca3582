"""Events and commands of the vte service: VTE contracts (pseudonymised candidates) and their aid."""

from .aid import VteAidGranted, VteAidPaid, VteGreenTopUpGranted
from .bpifrance import (
    DeclareVteGreenMission,
    DeclareVteGreenMissionV2,
    EndVteContractV2,
    RecordVteAidPaymentV2,
    RecordVteContractV2,
    RecordVteOffer,
)
from .commands import EndVteContract, RecordVteAidPayment, RecordVteContract
from .contracts import VteContractEnded, VteContractSigned
from .decisions import (
    EligibleCompanySize,
    VteAdjustmentCause,
    VteAidAdjusted,
    VteAidGrantedV2,
    VteAidPart,
    VteAidPaymentRequested,
    VteAidRefused,
    VteEarlyEndRule,
    VteFunder,
    VteRefusal,
    VteRefusalReason,
)
from .eligibility import CandidateStatus, ContractEndReason, DegreeLevel
from .facts import StudyLevel, VteCandidateFacts, VteContractType, VteEstablishment, VteGreenScope
from .housing import RecordVteHousingAid, VteHousingAidRecorded

__all__ = [
    "CandidateStatus",
    "ContractEndReason",
    "DeclareVteGreenMission",
    "DeclareVteGreenMissionV2",
    "DegreeLevel",
    "EligibleCompanySize",
    "EndVteContract",
    "EndVteContractV2",
    "RecordVteAidPayment",
    "RecordVteAidPaymentV2",
    "RecordVteContract",
    "RecordVteContractV2",
    "RecordVteHousingAid",
    "RecordVteOffer",
    "StudyLevel",
    "VteAdjustmentCause",
    "VteAidAdjusted",
    "VteAidGranted",
    "VteAidGrantedV2",
    "VteAidPaid",
    "VteAidPart",
    "VteAidPaymentRequested",
    "VteAidRefused",
    "VteCandidateFacts",
    "VteContractEnded",
    "VteContractSigned",
    "VteContractType",
    "VteEarlyEndRule",
    "VteEstablishment",
    "VteFunder",
    "VteGreenScope",
    "VteGreenTopUpGranted",
    "VteHousingAidRecorded",
    "VteRefusal",
    "VteRefusalReason",
]
