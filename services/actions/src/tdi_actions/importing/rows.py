"""One spreadsheet row -> the command it stands for, or the reason it is refused (code, French sentence, column).

Cells are what staff type: categories by slug or French name separated by `|`, `;` or `,`; amounts in euros
(`1 200 000,50`, exact, at most 2 decimals) or, as reporting exports them, in whole cents (`budget_centimes`);
dates `AAAA-MM-JJ` or `JJ/MM/AAAA`; statuses in French or English (codes or the contracts' words).
A cell an export wrote with a leading `'` (text a spreadsheet would have run as a formula) reads back as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from tdi_actions.commands import CreateFiche
from tdi_actions.lifecycle import FicheStatus
from tdi_actions.text import normalise
from tdi_contracts.events.actions import LeadKind, Maturity
from tdi_contracts.reference import Category
from tdi_contracts.spreadsheet_safety import FORMULA_LIKE_TEXT, restore_cell


@dataclass(frozen=True)
class RowCommand:
    line: int
    fiche: CreateFiche
    status: FicheStatus
    on: date


@dataclass(frozen=True)
class RowRefusal:
    line: int
    code: str
    reason: str
    column: str | None = None


class _CellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _lookup(column: str, value: str, names: dict[str, Any], unknown: str) -> Any:
    """`unknown` says it agreed with its noun: « Statut inconnu », « Catégorie inconnue »."""
    found = names.get(normalise(value))
    if found is None:
        noun, _, adjective = unknown.rpartition(" ")
        raise _CellError(column, f"{noun} « {value} » {adjective}.")
    return found


_CATEGORIES = {normalise(c.value): c for c in Category} | {normalise(c.label): c for c in Category}
_MATURITIES = {normalise(m.value): m for m in Maturity} | {"idee": Maturity.IDEA, "en etude": Maturity.IN_STUDY,
               "etude": Maturity.IN_STUDY, "prete": Maturity.READY, "pret": Maturity.READY}  # fmt: skip
_LEADS = {"role": LeadKind.ROLE, "organisation": LeadKind.ORGANISATION}
_STATUSES = {normalise(s.value): s for s in FicheStatus} | {normalise(s.label): s for s in FicheStatus}
_YES = {"oui": True, "o": True, "1": True, "true": True, "vrai": True, "non": False, "n": False, "0": False,
        "false": False, "faux": False, "": False}  # fmt: skip


def _cents(column: str, value: str) -> int | None:
    text = re.sub(r"[\s\u00a0\u202f€]", "", value)
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        cents = Decimal(text) * 100
    except InvalidOperation:
        raise _CellError(column, f"Le montant « {value} » n'est pas un nombre d'euros.") from None
    if not cents.is_finite() or cents != cents.to_integral_value() or cents < 0:
        raise _CellError(column, f"Le montant « {value} » doit être positif, au centime près.")
    return int(cents)


def _whole_cents(column: str, value: str) -> int | None:
    """An amount in euro cents, as reporting exports it: a whole number, nothing else."""
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,15}", value):
        raise _CellError(column, f"Le montant « {value} » n'est pas un nombre entier de centimes d'euro.")
    return int(value)


def _amount(cells: dict[str, str], euros: str, cents: str) -> int | None:
    """Euros (`budget_eur`, as staff type them) or cents (`budget_centimes`, as reporting exports them)."""
    if cells.get(cents):
        return _whole_cents(cents, cells[cents])
    return _cents(euros, cells.get(euros, ""))


def _date(column: str, value: str, default: date) -> date:
    if not value:
        return default
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise _CellError(column, f"La date « {value} » n'est ni au format AAAA-MM-JJ ni JJ/MM/AAAA.")


def _list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[|;,]", value) if part.strip()]


def _fields(cells: dict[str, str], on: date) -> tuple[dict[str, Any], FicheStatus, date]:
    c = cells.get
    jobs = c("emplois_attendus", "")
    if jobs and not re.fullmatch(r"[0-9]{1,9}", jobs):
        raise _CellError("emplois_attendus", f"Le nombre d'emplois « {jobs} » n'est pas un entier positif.")
    step_on = _date("date_statut", c("date_statut", ""), on)
    fields = {
        "territory_id": c("territoire", ""),
        "external_reference": c("reference") or None,
        "title": c("titre", ""),
        "description": c("description", ""),
        "maturity": _lookup("maturite", c("maturite") or "idea", _MATURITIES, "Maturité inconnue"),
        "lead_kind": _lookup("type_porteur", c("type_porteur") or "organisation", _LEADS, "Type de porteur inconnu"),
        "lead": c("porteur", ""),
        "partners": list(dict.fromkeys(_list(c("partenaires", "")))),
        "categories": [_lookup("categories", v, _CATEGORIES, "Catégorie inconnue") for v in _list(c("categories", ""))],
        "estimated_cost_cents": _amount(cells, "budget_eur", "budget_centimes"),
        "expected_jobs": int(jobs) if jobs else None,
        "expected_investment_cents": _amount(cells, "investissement_eur", "investissement_centimes"),
        "proposed_on": step_on,
        "synthetic": _lookup("synthetique", c("synthetique", ""), _YES, "Valeur inconnue"),
    }
    status = _lookup("statut", c("statut") or "proposed", _STATUSES, "Statut inconnu")
    return fields, status, step_on


_FIELD_COLUMNS = {"territory_id": "territoire", "external_reference": "reference", "title": "titre",
                  "lead": "porteur", "categories": "categories", "partners": "partenaires",
                  "description": "description", "expected_jobs": "emplois_attendus"}  # fmt: skip


def parse_row(line: int, cells: dict[str, str], on: date) -> RowCommand | RowRefusal:
    """The row's command, or why it is refused (`INVALID_ROW`, naming the column)."""
    cells = {column: restore_cell(value) for column, value in cells.items()}
    try:
        fields, status, step_on = _fields(cells, on)
        return RowCommand(line, CreateFiche.model_validate(fields), status, step_on)
    except _CellError as bad:
        return RowRefusal(line, "INVALID_ROW", f"Ligne {line}, colonne « {bad.column} » : {bad.message}", bad.column)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        column = _FIELD_COLUMNS.get(str(first["loc"][0]), str(first["loc"][0]))
        empty = not cells.get(column)
        why = "valeur obligatoire absente" if empty else "valeur invalide (vide, trop longue ou en double)"
        if first["type"] == FORMULA_LIKE_TEXT:
            why = first["msg"][0].lower() + first["msg"][1:].rstrip(".")
        return RowRefusal(line, "INVALID_ROW", f"Ligne {line}, colonne « {column} » : {why}.", column)
