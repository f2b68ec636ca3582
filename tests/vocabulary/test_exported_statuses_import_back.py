"""The statuses reporting exports are accepted back by the actions import (issue 24, « Statuses exported by
reporting are refused by the actions import »): the `statut` code of the `fiches` export, its `libelle_statut` word,
and the word of reporting's read models, each written by reporting's CSV writer and read by the actions import.

Seed 000 line 104: the territories' « feuille de route » is their action plan; what reporting exports of it is what
the territory imports again (the one vocabulary of issue 21).
"""

from __future__ import annotations

from datetime import date

import pytest

from tdi_actions.importing.rows import RowCommand, parse_row
from tdi_actions.importing.spreadsheet import read_table
from tdi_contracts.reference.labels import FicheStatus, capitalised
from tdi_reporting.exports import to_csv
from tdi_reporting.readmodels import FICHE_STATUSES

COLUMNS = ("territoire", "titre", "maturite", "type_porteur", "porteur", "categories", "statut", "date_statut")


def _exported(status_cell: str) -> bytes:
    row = {
        "territoire": "tdi-44-grand-reims",
        "titre": "Réseau de chaleur fatale",
        "maturite": "ready",
        "type_porteur": "organisation",
        "porteur": "Communauté urbaine",
        "categories": "transition-energetique",
        "statut": status_cell,
        "date_statut": "2024-06-03",
    }
    return to_csv([row], COLUMNS, sep=";")


def _imported_status(data: bytes) -> FicheStatus:
    table = read_table(data, max_bytes=1_000_000, max_rows=10)
    [(line, cells)] = table.rows
    parsed = parse_row(line, cells, date(2024, 7, 1))
    assert isinstance(parsed, RowCommand), parsed
    return parsed.status


@pytest.mark.parametrize("status", list(FicheStatus))
def test_every_status_reporting_exports_imports_back_as_the_same_status(status: FicheStatus) -> None:
    for exported in (status.value, capitalised(status.label), FICHE_STATUSES[status.value]):
        assert _imported_status(_exported(exported)) is status, exported
