"""Typed, validated identifiers: territories, INSEE codes, SIREN/SIRET and the platform's own uuids."""

from functools import lru_cache
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from .base import ContractModel
from .reference.geography import COMMUNE_PATTERN, DEPARTEMENT_PATTERN, REGION_PATTERN

LA_POSTE_SIREN = "356000000"
"""La Poste's SIREN: its establishments' SIRET fail Luhn and use a digit-sum-multiple-of-5 rule instead."""


def luhn_is_valid(digits: str) -> bool:
    """Luhn checksum used by INSEE for SIREN (9 digits) and SIRET (14 digits)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


_luhn_seen = lru_cache(maxsize=8192)(luhn_is_valid)
"""The same check, remembered: a platform sees the same few thousand SIREN and SIRET again and again, and the
pure-Python checksum cost more than the rest of a payload's validation (bench: EpciJoined 7.6 → 2.4 µs)."""


def _check_siren(value: str) -> str:
    if not _luhn_seen(value):
        raise PydanticCustomError("siren_checksum", "SIREN {value} fails the Luhn check", {"value": value})
    return value


def _check_siret(value: str) -> str:
    if _luhn_seen(value):
        return value
    if value.startswith(LA_POSTE_SIREN) and sum(int(c) for c in value) % 5 == 0:
        return value
    raise PydanticCustomError("siret_checksum", "SIRET {value} fails the Luhn check", {"value": value})


OFFICIAL_TERRITORY_ID_PATTERN = r"^ti-[0-9]{1,6}$"
"""The national open data's id of a territory: `ti-8413`."""
_REGION = r"(?:0[1-46]|11|24|27|28|32|44|52|53|75|76|84|93|94)"
REFERENCE_TERRITORY_ID_PATTERN = rf"^tdi-{_REGION}-[a-z0-9]+(?:-[a-z0-9]+)*$"
"""The platform's reference id, derived from the press kit annex: `tdi-<INSEE region>-<slug of the name>`."""
_EITHER_FORM = f"^(?:{OFFICIAL_TERRITORY_ID_PATTERN[1:-1]}|{REFERENCE_TERRITORY_ID_PATTERN[1:-1]})$"
_STR_MAX = ContractModel.model_config.get("str_max_length")  # what every string of a payload carries

OfficialTerritoryId = Annotated[
    str,
    StringConstraints(pattern=OFFICIAL_TERRITORY_ID_PATTERN),
    Field(description="Official id of a Territoire d'industrie in the national open data", examples=["ti-8413"]),
]
TerritoryId = Annotated[
    str,
    StringConstraints(pattern=_EITHER_FORM),
    # Documented as one branch per form, so a reader (and the compatibility checker) sees the official form
    # of earlier versions unchanged and the reference form as the one addition.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": OFFICIAL_TERRITORY_ID_PATTERN, "maxLength": _STR_MAX},
                {"type": "string", "pattern": REFERENCE_TERRITORY_ID_PATTERN, "maxLength": _STR_MAX},
            ]
        }
    ),
    Field(
        description=(
            "Territoire d'industrie id, either form: the platform's reference id `tdi-<INSEE region>-<slug>`"
            " (stable forever) or the official open-data id `ti-<digits>`"
        ),
        examples=["tdi-44-grand-reims", "ti-8413"],
    ),
]
RegionCode = Annotated[
    str,
    StringConstraints(pattern=REGION_PATTERN),
    Field(description="INSEE region code (18 regions)", examples=["44"]),
]
DepartementCode = Annotated[
    str,
    StringConstraints(pattern=DEPARTEMENT_PATTERN),
    Field(description="INSEE département code, text: '01'..'95', '2A', '2B', '971'..'974', '976'"),
]
InseeCommune = Annotated[
    str,
    StringConstraints(pattern=COMMUNE_PATTERN),
    Field(description="INSEE commune code (code officiel géographique), 5 characters", examples=["51454"]),
]
Siren = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{9}$"),
    AfterValidator(_check_siren),
    Field(
        description="SIREN: 9-digit number of a company or an EPCI (Luhn checked)",
        examples=["200067213"],
        json_schema_extra={"format": "siren"},
    ),
]
Siret = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{14}$"),
    AfterValidator(_check_siret),
    Field(
        description="SIRET: 14-digit number of an establishment (Luhn checked; La Poste digit-sum rule)",
        examples=["73282932000074"],
        json_schema_extra={"format": "siret"},
    ),
]
PartnerReference = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$"),
    Field(description="An identifier chosen by a partner in its own system", examples=["BPI-2024-000123"]),
]
EnvelopeId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$"),
    Field(description="Funding envelope slug: programme, year, scope", examples=["fonds-vert-ti-2024-r44"]),
]

# Platform-issued aggregate ids are UUIDs; the aliases name what each one identifies.
FicheActionId = UUID
"""Id of a fiche action (one action of a territory's action plan)."""
ApplicationId = UUID
"""Id of an application (dossier) filed for a programme's funding."""
GrantId = UUID
"""Id of a grant commitment (subsidy or repayable advance) against an envelope."""
PaymentId = UUID
"""Id of one payment made on a grant or a VTE aid."""
VteContractId = UUID
"""Id of a VTE (volontariat territorial en entreprise) contract."""
BinomeId = UUID
"""Id of a binôme élu-industriel (an elected official paired with an industrialist)."""
ChefDeProjetId = UUID
"""Id of a chef de projet post (the post, not the person)."""
CandidatePseudonym = UUID
"""Pseudonym of a VTE candidate in version 1 of Bpifrance's commands and events (`Candidate.pseudonym`), which
the vte service now refuses. The pseudonym the platform keeps is not this one: it is derived, a keyed hash
(HMAC-SHA256, 64 hex characters) of Bpifrance's candidate reference (`tdi_vte.pseudonyms.pseudonym_of`), which
cannot be linked back to the reference without the deployment's key."""
