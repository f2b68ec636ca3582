"""The zone of a steering committee's report, as the command and the route name it: `national`, `region:44`,
`departement:51` or `territory:<id>` (a territory's platform or official id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference.names import REGION_CHOICES, departement_named, region_named
from tdi_runtime.errors import DomainError

LEVELS = ("national", "region", "departement", "territory")
BAD_ZONE = (
    "La zone « {} » n'est pas reconnue : écrivez national, region:<code INSEE> (region:44), "
    "departement:<code> (departement:51) ou territory:<identifiant du territoire>."
)
UNKNOWN_REGION = "La région « {} » n'existe pas ; régions : {}."
UNKNOWN_DEPARTEMENT = "Le département « {} » n'existe pas : donnez son code INSEE (51, 2A, 971) ou son nom."
BAD_DATE = "La date de situation « {} » n'est pas une date (AAAA-MM-JJ) ni un instant (AAAA-MM-JJTHH:MM:SS+01:00)."


@dataclass(frozen=True)
class Zone:
    level: str
    code: str | None = None

    @property
    def filters(self) -> tuple[str | None, str | None, str | None]:
        """(region, departement, territory), as the figures' routes take them."""
        return tuple(self.code if self.level == level else None for level in LEVELS[1:])  # type: ignore[return-value]

    @property
    def slug(self) -> str:
        return self.level if self.code is None else f"{self.level}-{self.code}"


def parse_zone(text: str) -> Zone:
    """A zone, or 422 INVALID_REQUEST with a French sentence."""
    level, _, code = text.strip().partition(":")
    if level == "national" and not code:
        return Zone("national")
    code = code.strip()
    if level == "region" and code:
        if (region := region_named(code)) is None:
            raise DomainError(ErrorCode.INVALID_REQUEST, UNKNOWN_REGION.format(code[:80], REGION_CHOICES))
        return Zone(level, region.value)
    if level == "departement" and code:
        if (departement := departement_named(code)) is None:
            raise DomainError(ErrorCode.INVALID_REQUEST, UNKNOWN_DEPARTEMENT.format(code[:80]))
        return Zone(level, departement.value)
    if level == "territory" and code:
        return Zone(level, code)  # an unknown one: 404 UNKNOWN_TERRITORY when the figures are read
    raise DomainError(ErrorCode.INVALID_REQUEST, BAD_ZONE.format(text[:80]))


def parse_as_of(text: str | None) -> date | datetime | None:
    """A date (the situation at that day's end) or an instant; None: now."""
    if not text:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_REQUEST, BAD_DATE.format(text[:40])) from None
