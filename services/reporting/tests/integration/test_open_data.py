"""The open data on the real stack (issue 25, "Done when"): events published to real Kafka topics, folded into
PostgreSQL, read back without a token from `/donnees-ouvertes/`. The files validate against their Table Schemas
(frictionless, the whole Data Package), open in a spreadsheet with the right accents, hold nothing non-public;
`If-None-Match` answers 304, `updated_since` narrows a list, and the rate limit answers 429 with a code."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import scenario
from frictionless import Package

from tdi_contracts.events.actions import FicheActionPlanned
from tdi_contracts.events.territory import ChefDeProjetAppointed, CommuneAssigned, TerritoryReferenceUpdated
from tdi_runtime.testing import example_payload

from .conftest import eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

AIN = "tdi-84-plaine-de-l-ain"
POST_COST_CENTS = 6_123_457  # 61234.57 EUR: a chef de projet post's cost, never public
FORBIDDEN = {
    "1500000.00", "500000.00", "200000.00",  # requested by dossiers (two undecided)
    "6000000.00", "25",  # an undecided project's investment and jobs
    "4000.00", "8000.00", "12000.00", "3000.00", "7000.00", "1500.00",  # VTE aid amounts: counts only
    "61234.57",  # a post's cost
    "73282932000074", "732829320", "Ligne de recyclage",  # a VTE employer's SIRET, an applicant, a project
}  # fmt: skip
DATED = re.compile(
    r'attachment; filename="territoires-d-industrie[a-z-]*-\d{4}-\d{2}-\d{2}(-point-virgule\.csv|\.csv|\.xlsx)"'
)
WITHHELD_COLUMNS = ("montant_demande", "investissement_prevu", "emplois_prevus", "aide_vte", "aide_logement", "cout")


def extra_events() -> list[Any]:
    """A territory of the Ain (codes with a leading zero), communes of four territories (01, 2A, 51, 971), a chef
    de projet post with its cost: what the lists show and what they must not."""
    ain = scenario._wire(
        TerritoryReferenceUpdated, territory_id=AIN, revision=1, name="Plaine de l'Ain – Côtière", labelled=True,
        regions=["84"], departements=["01"], epci_sirens=["240100883"], active_binomes=1, chefs_de_projet=[],
        as_of=datetime(2025, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    communes = [
        (AIN, "01004", "240100883", "01"),
        (scenario.AJACCIO, "2A004", "243500139", "2A"),
        (scenario.REIMS, "51454", "200067213", "51"),
        (scenario.GUADELOUPE, "97101", "200054781", "971"),
    ]
    return [
        ain,
        *(
            example_payload(CommuneAssigned, territory_id=t, commune_insee=i, epci_siren=e, departement=d)
            for t, i, e, d in communes
        ),
        example_payload(ChefDeProjetAppointed, territory_id=scenario.REIMS, annual_cost_cents=POST_COST_CENTS),
    ]


def rows_of(body: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


async def test_the_open_data_validates_opens_in_a_spreadsheet_holds_nothing_non_public_and_is_conditional(
    reporting_service, publish, tmp_path: Path, monkeypatch
):
    # This client reads every file of the Data Package and more, from one address, as fast as the machine goes: past
    # the default burst (60) whenever it runs faster than the refill. The limit is the next test's subject.
    monkeypatch.setenv("TDI_REPORTING_OPEN_DATA_RATE_BURST", "1000")
    await publish([*scenario.programme(), *scenario.later_events(), *extra_events()])
    async with reporting_service() as client:
        client.headers.pop("Authorization")  # the public: no token at all

        async def communes_and_vte_are_in() -> Any:
            communes = await client.get("/donnees-ouvertes/territoires-communes.csv")
            figures = await client.get("/donnees-ouvertes/chiffres-par-region.csv")
            by_region = {r["code_region"]: r for r in rows_of(figures.content)}
            done = len(rows_of(communes.content)) == 4 and by_region.get("76", {}).get("contrats_vte_signes") == "1"
            return done and by_region.get("44", {}).get("verse_euros") == "600000.00"

        await eventually(communes_and_vte_are_in, timeout=120)
        assert (await client.get("/api/figures")).status_code == 401, "the staff routes still need a token"

        package = (await client.get("/donnees-ouvertes/datapackage.json")).json()
        names = sorted({r["path"] for r in package["resources"]} | {r["schema"] for r in package["resources"]})
        for name in names:
            answer = await client.get(f"/donnees-ouvertes/{name}")
            assert answer.status_code == 200, (name, answer.text[:300])
            (tmp_path / name).write_bytes(answer.content)
            if not name.endswith(".json"):
                assert DATED.fullmatch(answer.headers["content-disposition"]), answer.headers["content-disposition"]
        (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False))
        report = Package(str(tmp_path / "datapackage.json")).validate()
        print(f"\n[open data] frictionless: {len(package['resources'])} resources, valid={report.valid}, "
              f"{sum(len(t.errors) for t in report.tasks)} errors")  # fmt: skip
        assert report.valid, report.flatten(["name", "rowNumber", "fieldName", "type", "note"])
        assert len(package["resources"]) == 36

        # dated names, and the Link to the schema
        answer = await client.get("/donnees-ouvertes/territoires.csv")
        day = parsedate_to_datetime(answer.headers["last-modified"]).date().isoformat()
        assert answer.headers["content-disposition"] == (f'attachment; filename="territoires-d-industrie-{day}.csv"')
        assert answer.headers["link"] == '<territoires.schema.json>; rel="describedby"; type="application/json"'
        assert answer.headers["access-control-allow-origin"] == "*"
        semicolon = await client.get("/donnees-ouvertes/territoires-communes-point-virgule.csv")
        assert semicolon.headers["content-disposition"].endswith(f'-communes-{day}-point-virgule.csv"')

        # a spreadsheet: accents, leading zeros, codes as text
        assert semicolon.content.startswith(b"\xef\xbb\xbf")
        communes = {r["code_commune"]: r for r in rows_of(semicolon.content, ";")}
        assert communes["01004"]["code_departement"] == "01" and communes["2A004"]["nom_departement"] == "Corse-du-Sud"
        assert communes["01004"]["nom_territoire"] == "Plaine de l'Ain – Côtière"
        assert communes["97101"]["code_region"] == "01" and communes["51454"]["siren_epci"] == "200067213"
        book = openpyxl.load_workbook(io.BytesIO((await client.get("/donnees-ouvertes/territoires.xlsx")).content))
        header, *lines = list(book.active.iter_rows(values_only=True))
        by_id = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
        assert by_id[scenario.CHALONS]["nom_territoire"] == "Pays de Châlons"
        assert by_id[scenario.AJACCIO]["codes_departements"] == "2A" and by_id[AIN]["codes_departements"] == "01"
        assert by_id[scenario.LACQ]["noms_regions"] == "Nouvelle-Aquitaine;Occitanie"

        # the programme's figures, in euros with a dot
        regions = {r["code_region"]: r for r in rows_of((tmp_path / "chiffres-par-region.csv").read_bytes())}
        assert (regions["44"]["montant_accorde_euros"], regions["44"]["engage_euros"]) == ("1200000.00", "1000000.00")
        assert regions["44"]["territoires_labellises"] == "2" and regions["84"]["territoires_labellises"] == "1"

        # nothing non-public, in any file
        for name in names:
            if name.endswith(".schema.json"):
                fields = [f["name"] for f in json.loads((tmp_path / name).read_text())["fields"]]
                assert not [f for f in fields if f.startswith(WITHHELD_COLUMNS)], name
                continue
            if name.endswith(".xlsx"):
                cells = [[str(v) for v in line] for line in openpyxl.load_workbook(tmp_path / name).active.values]
            else:
                delimiter = ";" if name.endswith("point-virgule.csv") else ","
                cells = list(
                    csv.reader(io.StringIO((tmp_path / name).read_bytes().decode("utf-8-sig")), delimiter=delimiter)
                )
            assert not [h for h in cells[0] if h.startswith(WITHHELD_COLUMNS)], name
            found = FORBIDDEN & {v for line in cells for v in line}
            assert not found, f"{name} holds non-public values {found}"

        # conditional GET: 304 on a matching If-None-Match or If-Modified-Since, a new tag once the data changed
        tag, modified = answer.headers["etag"], answer.headers["last-modified"]
        again = await client.get("/donnees-ouvertes/territoires.csv", headers={"If-None-Match": tag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
        since = await client.get("/donnees-ouvertes/territoires.csv", headers={"If-Modified-Since": modified})
        assert since.status_code == 304
        # updated_since narrows a list to what changed since
        narrowed = await client.get("/donnees-ouvertes/territoires.csv", params={"updated_since": "2025-01-01"})
        assert [r["code_territoire"] for r in rows_of(narrowed.content)] == [AIN]
        assert len(rows_of(answer.content)) == 6 and narrowed.headers["etag"] != tag
        epci = await client.get("/donnees-ouvertes/territoires-epci.csv", params={"updated_since": "2025-01-01T00:00Z"})
        assert [(r["code_territoire"], r["siren_epci"]) for r in rows_of(epci.content)] == [(AIN, "240100883")]
        refused = await client.get("/donnees-ouvertes/chiffres-par-region.csv", params={"updated_since": "2025-01-01"})
        assert (refused.status_code, refused.json()["code"]) == (422, "INVALID_REQUEST")
        assert "updated_since" in refused.json()["message"]
        missing = await client.get("/donnees-ouvertes/budget-secret.csv")
        assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")

        figures = await client.get("/donnees-ouvertes/chiffres-par-territoire.csv")
        figures_tag = figures.headers["etag"]
        await publish([example_payload(FicheActionPlanned, fiche_action_id=scenario._id("od-new"), territory_id=AIN)])

        async def changed() -> bool:
            fresh = await client.get(
                "/donnees-ouvertes/chiffres-par-territoire.csv", headers={"If-None-Match": figures_tag}
            )
            if fresh.status_code != 200:
                return False
            ain = next(r for r in rows_of(fresh.content) if r["code_territoire"] == AIN)
            return fresh.headers["etag"] != figures_tag and ain["fiches_actions"] == "1"

        await eventually(changed, timeout=120)
        unchanged = await client.get("/donnees-ouvertes/territoires.csv", headers={"If-None-Match": tag})
        assert unchanged.status_code == 304, "a file whose rows did not change keeps its tag (the digest of its body)"
        assert unchanged.headers["last-modified"] != modified, "while its Last-Modified says the data moved on"


async def test_a_public_caller_past_its_rate_gets_429_with_a_code_and_the_seconds_to_wait(
    reporting_service, monkeypatch
):
    monkeypatch.setenv("TDI_REPORTING_OPEN_DATA_RATE_PER_MINUTE", "1")
    monkeypatch.setenv("TDI_REPORTING_OPEN_DATA_RATE_BURST", "2")
    async with reporting_service() as client:
        client.headers.pop("Authorization")
        answers = [await client.get("/donnees-ouvertes/territoires.schema.json") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        body = answers[2].json()
        assert body["code"] == "RATE_LIMITED" and "patientez" in body["message"]
        assert int(answers[2].headers["retry-after"]) >= 1
