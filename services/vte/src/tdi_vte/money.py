"""Exact amounts of the aid (integer cents): the base split between funders, and the pro rata of an early end."""

from __future__ import annotations

import calendar
from datetime import date

from tdi_contracts.events.vte import VteAidPart, VteFunder

Parts = dict[tuple[VteFunder, VteAidPart], int]


def funder_parts(base_cents: int, green_cents: int, state_basis_points: int, green_funder: VteFunder) -> Parts:
    """Who pays what: the State's share of the base rounded down to the cent, the rest Banque des Territoires."""
    state = base_cents * state_basis_points // 10_000
    return {
        (VteFunder.ETAT, VteAidPart.BASE): state,
        (VteFunder.BANQUE_DES_TERRITOIRES, VteAidPart.BASE): base_cents - state,
        (green_funder, VteAidPart.GREEN): green_cents,
    }


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def pro_rata(amount_cents: int, starts_on: date, ended_on: date, planned_months: int) -> int:
    """The share of `amount_cents` for the days served out of the days planned, rounded down to the cent."""
    planned_days = (add_months(starts_on, planned_months) - starts_on).days
    served_days = min(max((ended_on - starts_on).days + 1, 0), planned_days)
    return amount_cents * served_days // planned_days
