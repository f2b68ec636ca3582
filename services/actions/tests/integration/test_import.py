"""Done-when: an XLSX action plan with good and bad rows imports the good ones and explains each bad one;
imported twice it gives the same state. A file that cannot be imported whole imports nothing."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from tdi_contracts.errors import REASONS, ErrorCode

pytestmark = pytest.mark.integration

HEADER = [
    "Territoire",
    "Référence",
    "Titre",
    "Catégories",
    "Type porteur",
    "Porteur",
    "Partenaires",
    "Budget EUR",
    "Statut",
    "Date statut",
]


def plan_xlsx(withdrawn: str, **changed: list) -> bytes:
    rows = [
        [
            "tdi-44-grand-reims",
            "GR-01",
            "Réseau de chaleur",
            "Transition énergétique",
            "organisation",
            "CU du Grand Reims",
            "ADEME|CCI",
            1_200_000.5,
            "programmée",
            "2024-02-01",
        ],
        [
            "tdi-44-pays-de-chalons",
            None,
            "Campus des métiers",
            "formations-industrielles|marque-employeur",
            "rôle",
            "Président de l'EPCI",
            None,
            "250 000",
            "en cours",
            "15/03/2024",
        ],
        [
            "tdi-44-vitry-le-francois",
            "VF-3",
            "Friche Vallourec",
            "requalification-friches",
            None,
            "Ville",
            None,
            None,
            "réalisée",
            "2024-04-30",
        ],
        ["tdi-44-nulle-part", "X-1", "Nulle part", "numerique", None, "CU", None, None, None, None],
        [withdrawn, "R-1", "Territoire retiré", "numerique", None, "CU", None, None, None, None],
        ["tdi-44-grand-reims", "GR-02", "Catégorie inventée", "Pêche en haute mer", None, "CU", None, None, None, None],
        ["tdi-44-grand-reims", "GR-03", "Budget flou", "numerique", None, "CU", None, "environ 3 M€", None, None],
        [
            "tdi-44-grand-reims",
            "GR-04",
            "Porteur personne",
            "numerique",
            None,
            "Monsieur Durand",
            None,
            None,
            None,
            None,
        ],
        ["tdi-44-grand-reims", "GR-01", "Doublon de ligne", "numerique", None, "CU", None, None, None, None],
        ["tdi-44-grand-reims", "GR-05", "T" * 201, "numerique", None, "CU", None, None, "réalisée", "2024-01-01"],
    ]
    book = Workbook()
    book.active.append(HEADER)
    for row in [changed.get(str(r[1]), r) for r in rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_an_xlsx_plan_imports_its_good_rows_explains_each_bad_one_and_a_reimport_changes_nothing(
    actions_service, territories, db
):
    withdrawn = next(t for t in territories.values() if not t.labelled).territory_id
    data = plan_xlsx(withdrawn)
    async with actions_service() as (_, client):
        first = await client.post("/imports", content=data, headers={"Content-Type": XLSX})
        state = await db.fetch("SELECT * FROM fiches ORDER BY id")
        events = await db.fetchval("SELECT count(*) FROM outbox")
        second = await client.post("/imports", content=data, headers={"Content-Type": XLSX})
        state_again = await db.fetch("SELECT * FROM fiches ORDER BY id")
        events_again = await db.fetchval("SELECT count(*) FROM outbox")
        chalons = (await client.get("/fiches", params={"territory_id": "tdi-44-pays-de-chalons"})).json()
        revised_row = [
            "tdi-44-grand-reims",
            "GR-01",
            "Réseau de chaleur",
            "Transition énergétique",
            "organisation",
            "CU du Grand Reims",
            "ADEME|CCI",
            "1 300 000",
            "en cours",
            "2024-05-02",
        ]
        third = await client.post("/imports?on=2024-05-02", content=plan_xlsx(withdrawn, **{"GR-01": revised_row}))
        new_events = await db.fetch("SELECT header_values FROM outbox ORDER BY id OFFSET $1", events_again)

    report = first.json()
    refused = {r["line"]: r["code"] for r in report["rows"] if r["outcome"] == "refused"}
    print(f"\nimport report: {report['summary']}")
    assert first.status_code == 200
    assert report["summary"] == {"created": 3, "updated": 0, "unchanged": 0, "refused": 7}
    assert refused == {
        5: "UNKNOWN_TERRITORY",
        6: "TERRITORY_NOT_LABELLED",
        7: "INVALID_ROW",
        8: "INVALID_ROW",
        9: "LEAD_IS_A_PERSON",
        10: "IMPORT_ROW_DUPLICATED",
        11: "INVALID_ROW",
    }
    assert all(r["reason"] for r in report["rows"] if r["outcome"] == "refused")
    assert next(r for r in report["rows"] if r["line"] == 7)["column"] == "categories"
    assert second.json()["summary"] == {"created": 0, "updated": 0, "unchanged": 3, "refused": 7}
    assert [dict(r) for r in state_again] == [dict(r) for r in state]
    assert events_again == events
    (campus,) = chalons["fiches"]
    assert (campus["status"], campus["started_on"], campus["budget_cents"]) == ("in-progress", "2024-03-15", 25_000_000)
    assert {r["title"]: r["budget_cents"] for r in state}["Réseau de chaleur"] == 120_000_050
    friche = next(r for r in state if r["title"] == "Friche Vallourec")
    assert (friche["status"], friche["done_on"].isoformat()) == ("done", "2024-04-30")
    assert third.json()["summary"] == {"created": 0, "updated": 1, "unchanged": 2, "refused": 7}
    types = [next(v for v in r["header_values"] if v.startswith(b"fr.")).decode().split(".")[-2] for r in new_events]
    assert types == ["FicheActionBudgetRevised", "FicheActionStarted"]


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"PK\x03\x04 broken", 415, "IMPORT_FILE_FORMAT_UNSUPPORTED"),
        (b"Titre;Porteur\nA;B\n", 422, "IMPORT_COLUMNS_MISSING"),
        (b"x" * (5 * 1024 * 1024 + 1), 413, "IMPORT_FILE_TOO_LARGE"),
    ],
)
async def test_a_file_that_cannot_be_imported_whole_imports_nothing(actions_service, db, data, status, code):
    async with actions_service() as (_, client):
        before = await db.fetchval("SELECT count(*) FROM fiches")
        answer = await client.post("/imports", content=data, headers={"Content-Type": "text/csv"})
        after = await db.fetchval("SELECT count(*) FROM fiches")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert answer.json()["message"]
    assert after == before


def declared_bomb() -> bytes:
    """5 KB: a header, one row, an empty styled cell at the sheet's last row, a declared A1:XFD1048576."""
    book = Workbook()
    book.active.append(["territoire", "titre", "categories", "porteur"])
    book.active.append(["tdi-44-grand-reims", "Bombe", "numerique", "CU"])
    book.active.cell(row=1_048_576, column=1).number_format = "0.00"
    out, bomb = io.BytesIO(), io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', body)
            target.writestr(item.filename, body)
    return bomb.getvalue()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"territoire;titre;categories;porteur\ntdi-44-grand-reims;a\x00b;numerique;CU\n", 422, "IMPORT_FILE_INVALID"),
        (b"territoire;titre;categories;porteur\ntdi-44-grand-reims;a;numerique;CU" + b";" * 1000 + b"x\n", 413,
         "IMPORT_FILE_TOO_LARGE"),
        (b"territoire;titre;categories;porteur\n" + b"x" * 200_000 + b"\n", 413, "IMPORT_FILE_TOO_LARGE"),
    ],
    ids=["nul-byte", "many-columns", "huge-cell"],
)  # fmt: skip
async def test_a_crafted_csv_is_refused_whole_with_a_code_and_a_french_sentence(
    actions_service, db, data, status, code
):
    async with actions_service() as (_, client):
        before = await db.fetchval("SELECT count(*) FROM fiches")
        answer = await client.post("/imports", content=data, headers={"Content-Type": "text/csv"})
        after = await db.fetchval("SELECT count(*) FROM fiches")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert answer.json()["message"].startswith(f"{REASONS[ErrorCode(code)]} Ligne 2")  # the catalogue's, then the case
    assert after == before


async def test_a_5_kb_xlsx_declaring_17_billion_cells_imports_its_one_row(actions_service, db):
    data = declared_bomb()
    assert len(data) < 10_000
    async with actions_service() as (_, client):
        answer = await client.post("/imports", content=data, headers={"Content-Type": XLSX})
        health = await client.get("/healthz")
    assert answer.status_code == 200, answer.text
    assert answer.json()["summary"] == {"created": 1, "updated": 0, "unchanged": 0, "refused": 0}
    assert health.status_code == 200
