"""What the platform knows of a VTE candidate: eligibility facts only, never identity (minimised data)."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from ...base import ContractModel
from ...ids import CandidatePseudonym


class CandidateStatus(StrEnum):
    """VTE is open to students from bac+3 and to graduates of less than two years."""

    STUDENT = "etudiant"
    YOUNG_GRADUATE = "jeune-diplome"


class DegreeLevel(StrEnum):
    """Highest degree level reached or being prepared (bac+3 at least for VTE)."""

    BAC_3 = "bac+3"
    BAC_4 = "bac+4"
    BAC_5 = "bac+5"
    BAC_8 = "bac+8"


class ContractEndReason(StrEnum):
    """Why a VTE contract ended."""

    TERM_REACHED = "term-reached"
    ENDED_EARLY = "ended-early"
    HIRED_PERMANENTLY = "hired-permanently"


YearMonth = Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$")]
"""A month, "YYYY-MM": graduation is known to the month, not the day, to keep the data minimal."""


class Candidate(ContractModel):
    """A pseudonymised VTE candidate: no name, e-mail, address or birth date ever travels."""

    pseudonym: CandidatePseudonym = Field(
        description="Random pseudonym issued by Bpifrance for the candidate",
        examples=["c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8"],
    )
    status: CandidateStatus = Field(description="Student or young graduate", examples=["jeune-diplome"])
    degree_level: DegreeLevel = Field(description="Degree level", examples=["bac+5"])
    graduated_in: YearMonth | None = Field(
        default=None, description="Month of graduation, for young graduates", examples=["2023-06"]
    )
