"""Exact money in EUR: integer cents on the wire (never a float), and French formatting of amounts."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict
from pydantic_core import PydanticCustomError

MAX_CENTS = 10**13
"""Upper bound of any amount: 100 milliards EUR, far above any programme envelope."""


def refuse_non_integers(value: Any) -> Any:
    # Strict int validation already refuses these; this names the rule so the partner knows why.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError(
            "money_not_integer_cents",
            "money is an integer number of euro cents; {kind} values are refused",
            {"kind": type(value).__name__},
        )
    return value


Cents = Annotated[
    int,
    Strict(),
    Field(ge=0, le=MAX_CENTS),
    BeforeValidator(refuse_non_integers),
]
"""A non-negative amount in euro cents. Floats, booleans and strings are refused."""


def eur(amount: str | int | Decimal) -> int:
    """Exact conversion of a euro amount ("7900000", "12.50", Decimal) to cents; sub-cent amounts refused."""
    if isinstance(amount, float):
        raise TypeError("floats are never money: pass a str, int or Decimal")
    cents = Decimal(amount) * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} EUR is not a whole number of cents")
    return int(cents)


def cents_to_decimal(cents: int) -> Decimal:
    """Cents to a Decimal amount in EUR with two decimals."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_eur(cents: int, *, non_breaking: bool = False) -> str:
    """French formatting: 790000000 -> "7 900 000,00 €" (spaces, or the typographic no-break spaces)."""
    group, before_sign = ("\u202f", "\u00a0") if non_breaking else (" ", " ")
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", group)
    return f"{sign}{grouped},{rest:02d}{before_sign}€"
