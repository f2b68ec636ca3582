"""French formats of the report (amounts from integer cents, counts, dates), and « non publié » for a figure not
given (the sources are silent, or the role may not see it)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

NON_PUBLIE = "non publié"
PARIS = ZoneInfo("Europe/Paris")
NNBSP = "\u202f"  # French thousands separator (espace fine insécable)
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def count(n: int | None) -> str:
    return NON_PUBLIE if n is None else f"{n:,}".replace(",", NNBSP)


def euros(cents: int | None) -> str:
    """`790_000_000` → « 7 900 000,00 € » (exact: integer cents, no float)."""
    if cents is None:
        return NON_PUBLIE
    sign, cents = ("-" if cents < 0 else ""), abs(cents)
    return f"{sign}{count(cents // 100)},{cents % 100:02d}{NNBSP}€"


def percent(value: float | int | None) -> str:
    return NON_PUBLIE if value is None else f"{value:.1f}".replace(".", ",") + f"{NNBSP}%"


def day(d: date) -> str:
    return f"{d.day}{'er' if d.day == 1 else ''} {MONTHS[d.month - 1]} {d.year}"


def instant(at: datetime) -> str:
    local = at.astimezone(PARIS)
    return f"{day(local.date())} à {local.hour} h {local.minute:02d}"
