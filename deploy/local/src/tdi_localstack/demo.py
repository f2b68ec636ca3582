"""`make demo`: feeds the running platform with synthetic data through its real doors only.

HTTP commands (with the staff token and an Idempotency-Key, so running the demo twice changes nothing) and
the partners' ingress topics (with the partner SDK, whose event ids are derived from the content, so a
re-run is answered as a duplicate). Never a database write. Every record it makes is labelled synthetic.

The figures reproduced come from the source documents (`shared/domain.md`): Marne's 14 binômes, the 2,150
fiches actions and their category counts, the Fonds vert regional envelopes with applications and
decisions, 300 VTE contracts, some of them green. First, 32 territories join the EPCI they are named after
(`tdi_localstack.perimeters`), so their perimeter is known and the VTE contracts, sent in their communes, are
decided at once (issue 24); before the contracts the demo reads the vte service's projection until it has them.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tdi_contracts.reference import Partner
from tdi_contracts.spreadsheet_safety import neutralise_cell
from tdi_localstack.demo_data import (
    APPLICATIONS_PER_REGION,
    APPROVED_PER_REGION,
    DemoTerritory,
    fonds_vert_applications,
    synthetic_ceilings,
    vte_contracts,
)
from tdi_localstack.demo_registers import record_registers, registers_line
from tdi_localstack.perimeters import join_epcis, known_perimeters, wait_projected
from tdi_partner.client import Answer, Credentials, answers, publish
from tdi_partner.commands import validate

SYNTHETIC = "(démo synthétique)"
"""Appended to every free-text label the demo writes, so synthetic data says so wherever it shows."""

MARNE_BINOMES = {  # 14 binômes in the Marne (Marne deck), spread over its 5 territories
    "tdi-44-grand-reims": 4,
    "tdi-44-pays-de-chalons": 3,
    "tdi-44-pays-d-epervain-terres-de-champagne": 3,
    "tdi-44-vitry-le-francois": 2,
    "tdi-44-ouest-champenois": 2,
}
MANDATES = ("president-epci", "maire", "vice-president-epci", "conseiller-departemental")
SIZES = ("pme", "eti", "pme", "tpe")


@dataclass
class Platform:
    """Where the services answer (`.tdi/services.json` of `make run`), and the staff token."""

    urls: dict[str, str]
    token: str
    bootstrap_servers: str
    database_url: str | None = None
    """The stack's database (read only: the vte service's territory projection, before the VTE contracts)."""

    @classmethod
    def from_folder(cls, folder: Path) -> Platform:
        urls = json.loads((folder / "services.json").read_text(encoding="utf-8"))
        env = dict(
            line.split("=", 1)
            for line in (folder / "stack.env").read_text(encoding="utf-8").splitlines()
            if "=" in line
        )
        token = (folder / "staff-token").read_text(encoding="utf-8").strip()
        return cls(urls, token, env["KAFKA_BOOTSTRAP_SERVERS"], env.get("DATABASE_URL"))

    def post(self, service: str, path: str, body: Any, key: str) -> tuple[int, Any]:
        """A staff command; the Idempotency-Key makes a second run answer the first answer again."""
        request = urllib.request.Request(  # noqa: S310 - the platform's own loopback URLs
            self.urls[service] + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def put(self, service: str, path: str, body: Any) -> tuple[int, Any]:
        """A staff command that sets a value (the same value again: the same answer)."""
        request = urllib.request.Request(  # noqa: S310 - the platform's own loopback URLs
            self.urls[service] + path,
            data=json.dumps(body).encode(),
            method="PUT",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def post_bytes(self, service: str, path: str, body: bytes, content_type: str) -> tuple[int, Any]:
        """A staff upload (an import file)."""
        request = urllib.request.Request(  # noqa: S310 - the platform's own loopback URLs
            self.urls[service] + path,
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def get(self, service: str, path: str) -> Any:
        request = urllib.request.Request(  # noqa: S310
            self.urls[service] + path, headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return json.loads(answer.read())


def binome_body(n: int) -> dict[str, Any]:
    """The n-th binôme of a territory: roles only, and `synthetic` so the dashboard labels it."""
    return {
        "elected_mandate": MANDATES[n % len(MANDATES)],
        "industrial_company": f"Entreprise industrielle {n + 1} {SYNTHETIC}",
        "industrial_company_size": SIZES[n % len(SIZES)],
        "industrial_sector": f"industrie {SYNTHETIC}",
        "appointed_on": "2024-01-15",
        "synthetic": True,
    }


def marne_binomes(platform: Platform) -> dict[str, int]:
    """Marne's 14 binômes élus-industriels, through the territory service's command."""
    statuses: dict[str, int] = {}
    for territory, count in MARNE_BINOMES.items():
        for n in range(count):
            body = binome_body(n)
            path, key = f"/territories/{territory}/binomes", f"demo-v1-binome-{territory}-{n}"
            status, answer = platform.post("territory", path, body, key)
            outcome = str(status) if status < 300 else f"{status} {answer.get('code')}"
            statuses[outcome] = statuses.get(outcome, 0) + 1
    return statuses


def perimeters(platform: Platform) -> dict[str, int]:
    """32 territories join the EPCI they are named after, through the territory service's command: their
    perimeter is known, so the vte service decides the contracts of their communes (issue 24)."""
    return join_epcis(lambda path, body, key: platform.post("territory", path, body, f"demo-v1-{key}"))


def _territories(platform: Platform) -> list[DemoTerritory]:
    listed = platform.get("territory", "/territories")["territories"]
    communes = {p.territory_id: p.communes for p in known_perimeters()}
    return [
        DemoTerritory(t["id"], tuple(t["regions"]), tuple(t["departements"]), communes.get(t["id"], ())) for t in listed
    ]


def national_action_plan(platform: Platform) -> dict[str, int]:
    """2,150 fiches actions through the actions service's import (the file a territory would send)."""
    from tdi_actions.demo import DemoTerritory as ActionsTerritory
    from tdi_actions.demo import as_rows, demo_plan

    listed = platform.get("territory", "/territories")["territories"]
    plan = demo_plan([ActionsTerritory(t["id"], t["name"], tuple(t["departements"])) for t in listed])
    rows = [row for _, row in as_rows(plan)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows({k: neutralise_cell(v) for k, v in row.items()} for row in rows)  # the rule of every CSV written
    body = buffer.getvalue().encode("utf-8")
    report: dict[str, Any] = {}
    for _ in range(60):  # the actions service learns the territories from their events: wait until it knows all
        status, report = platform.post_bytes("actions", "/imports", body, "text/csv")
        report = report.get("summary", report) if isinstance(report, dict) else {}  # the import's per-row counts
        if status == 200 and not report.get("refused"):
            break
        time.sleep(2)
    return {k: v for k, v in report.items() if isinstance(v, int)} | {"http": status}


def _publish(platform: Platform, partner: str, type_: str, payloads: list[dict[str, Any]]) -> dict[str, Answer]:
    """Validate and publish as the partner (its SDK), then wait for the platform's answer to each."""
    who = Partner(partner)
    commands = [validate(who, i, type_, p) for i, p in enumerate(payloads, start=1)]
    refused = [c.errors for c in commands if not c.valid]
    if refused:
        raise ValueError(f"demo data refused by the contracts: {refused[:3]}")
    credentials = Credentials(platform.bootstrap_servers)
    asyncio.run(publish(who, credentials, commands))
    return asyncio.run(answers(who, credentials, {c.event_id for c in commands}, timeout_s=120))


def fonds_vert(platform: Platform) -> dict[str, int]:
    """Fonds vert 2024: staff set the regional ceilings the sources do not publish (synthetic, labelled so); ADEME
    files the dossiers and gives an avis on one per region; staff instruct, approve or refuse them (P:547: the
    prefecture decides, ADEME supports; the demo's staff token is national, which decides too: platform rule)."""
    from tdi_contracts.reference.programmes import Programme
    from tdi_contracts.reference.programmes_catalogue import ENVELOPE_SEEDS

    envelopes = {
        s.region.value: s.envelope_id for s in ENVELOPE_SEEDS if s.programme is Programme.FONDS_VERT_TI and s.region
    }
    territories = _territories(platform)
    counts = {region: sum(region in t.regions for t in territories) for region in envelopes}
    tally: dict[str, int] = {}
    for region, ceiling in synthetic_ceilings(counts).items():
        status, _ = platform.put("funding", f"/envelopes/{envelopes[region]}/ceiling",
                                 {"ceiling_cents": ceiling, "provenance": "synthetic"})  # fmt: skip
        tally[f"ceiling_{status}"] = tally.get(f"ceiling_{status}", 0) + 1
    payloads = fonds_vert_applications(territories, envelopes)
    answered = _publish(platform, "ademe", "fr.territoires-industrie.funding.FileApplication.v1", payloads)
    tally |= {"filed": sum(a.accepted for a in answered.values()), "refused_at_filing": 0}
    opinions, decisions = [], []
    for n, answer in enumerate(sorted(answered.values(), key=lambda a: a.event_id)):
        application = next((i.split(":", 1)[1] for i in answer.resulting_ids if i.startswith("application:")), None)
        if application is None:
            tally["refused_at_filing"] += 1
            continue
        platform.post("funding", f"/applications/{application}/instruction", {}, f"demo-instr-{application}")
        position = n % APPLICATIONS_PER_REGION
        detail = platform.get("funding", f"/applications/{application}")
        if position == 0:  # ADEME's avis (it advises; it never decides), in the dossier's history, before the decision
            opinions.append({"application_id": application, "territory_id": detail["territory_id"],
                             "opinion": "favorable", "text": f"Avis de l'ADEME {SYNTHETIC}.",
                             "partner_reference": f"ADEME-AVIS-{application}"})  # fmt: skip
        decisions.append((application, position, detail))
    avis = _publish(platform, "ademe", "fr.territoires-industrie.funding.RecordApplicationOpinion.v1", opinions)
    for application, position, detail in decisions:
        if position < APPROVED_PER_REGION:
            amount = detail.get("requested_cents") or detail.get("application", {}).get("requested_cents")
            status, _ = platform.post("funding", f"/applications/{application}/approval",
                                      {"granted_cents": amount}, f"demo-approve-{application}")  # fmt: skip
            tally[f"approval_{status}"] = tally.get(f"approval_{status}", 0) + 1
        elif position == APPROVED_PER_REGION:
            refusal = {"reason_code": "project-not-eligible", "reason": f"Projet hors critères {SYNTHETIC}."}
            status, _ = platform.post(
                "funding", f"/applications/{application}/refusal", refusal, f"demo-ref-{application}"
            )
            tally[f"refusal_{status}"] = tally.get(f"refusal_{status}", 0) + 1
    tally["opinions"] = sum(a.accepted for a in avis.values())
    return tally


def vte(platform: Platform) -> dict[str, int]:
    """300 VTE contracts sent by Bpifrance, a third of them green, each decided by the vte service: in the communes
    of the perimeters the demo made known, once the vte service has them (else a contract would wait)."""
    if platform.database_url:
        wait_projected(platform.database_url)
    records = vte_contracts(_territories(platform))
    contracts = _publish(
        platform, "bpifrance", "fr.territoires-industrie.vte.RecordVteContract.v2", [c for c, _ in records]
    )
    greens = [g for _, g in records if g is not None]
    declared = _publish(platform, "bpifrance", "fr.territoires-industrie.vte.DeclareVteGreenMission.v1", greens)
    return {
        "contracts_accepted": sum(a.accepted for a in contracts.values()),
        "contracts_refused": sum(not a.accepted for a in contracts.values()),
        "green_missions_accepted": sum(a.accepted for a in declared.values()),
    }


def _n(count: int) -> str:
    return f"{count:,}"


def _refused(answers: dict[str, int]) -> str:
    """`2 refused (404 UNKNOWN_TERRITORY: 2)` for the answers that were not a success."""
    total = sum(answers.values())
    return f"{_n(total)} refused ({', '.join(f'{k}: {_n(v)}' for k, v in sorted(answers.items()))})"


def binomes_line(answers: dict[str, int]) -> str:
    recorded = sum(v for k, v in answers.items() if k.startswith("2"))
    refused = {k: v for k, v in answers.items() if not k.startswith("2")}
    return f"{_n(recorded)} binômes recorded in the Marne" + (f", {_refused(refused)}" if refused else "")


def action_plan_line(counts: dict[str, int]) -> str:
    kinds = ("created", "updated", "unchanged", "refused")
    total = sum(counts.get(k, 0) for k in kinds)
    line = f"national action plan, {_n(total)} fiches actions imported: "
    line += ", ".join(f"{_n(counts.get(k, 0))} {k}" for k in kinds)
    status = counts.get("http", 200)
    return line if status == 200 else f"{line} (the import answered HTTP {status})"


def fonds_vert_line(tally: dict[str, int]) -> str:
    ceilings = tally.get("ceiling_200", 0)
    filed = tally.get("filed", 0)
    approved = sum(v for k, v in tally.items() if k.startswith("approval_2"))
    refused = sum(v for k, v in tally.items() if k.startswith("refusal_2"))
    line = f"Fonds vert 2024, {_n(ceilings)} unpublished regional ceilings set as synthetic, {_n(filed)} dossiers filed"
    line += f" by ADEME ({_n(tally.get('opinions', 0))} ADEME avis)"
    if tally.get("refused_at_filing"):
        line += f", {_n(tally['refused_at_filing'])} refused at filing"
    line += f"; {_n(approved)} approved, {_n(refused)} refused by staff, {_n(filed - approved - refused)} left"
    line += " under instruction"
    for decision in ("approval", "refusal"):
        failed = {k.split("_")[1]: v for k, v in tally.items() if k.startswith(f"{decision}_") and k[-3] != "2"}
        for status, count in sorted(failed.items()):
            line += f"; {_n(count)} {decision}s refused ({status})"
    return line


def perimeters_line(tally: dict[str, int]) -> str:
    refused = {k: v for k, v in tally.items() if k != "joined"}
    line = f"{_n(tally.get('joined', 0))} territories joined the EPCI they are named after (perimeter known)"
    return line + (f", {_refused(refused)}" if refused else "")


def vte_line(counts: dict[str, int]) -> str:
    line = f"{_n(counts.get('contracts_accepted', 0))} VTE contracts accepted from Bpifrance"
    if counts.get("contracts_refused"):
        line += f", {_n(counts['contracts_refused'])} refused"
    return line + f"; {_n(counts.get('green_missions_accepted', 0))} green missions declared"


Step = tuple[str, Callable[[Platform], dict[str, int]], Callable[[dict[str, int]], str]]
STEPS: list[Step] = [
    ("périmètres : 32 territoires et leur EPCI", perimeters, perimeters_line),
    ("binômes de la Marne", marne_binomes, binomes_line),
    ("plan d'action national (2 150 fiches actions)", national_action_plan, action_plan_line),
    ("Fonds vert 2024 : dossiers et décisions", fonds_vert, fonds_vert_line),
    ("VTE : 300 contrats Bpifrance", vte, vte_line),
    (
        "registres : sites clés en main, écoles de production, réseau",
        lambda p: record_registers(p.post),
        registers_line,
    ),
]
"""The demo's steps, in order: its name (the report's key), what it does (how many of its requests got which
answer) and the line that says so."""


def run_demo(folder: Path, say: Callable[[str], None] = print) -> dict[str, dict[str, int]]:
    """Every step against the platform described in `folder` (the `.tdi` of `make run`): one line each, then
    a last line saying the demo is loaded and where its dashboard is."""
    platform = Platform.from_folder(folder)
    report = {}
    for name, step, line in STEPS:
        report[name] = step(platform)
        say(f"demo: {line(report[name])}")
    dashboard = f"{platform.urls['reporting']}/tableau-de-bord#access_token={platform.token}"
    say(f"Demo loaded (synthetic data, labelled as such). Dashboard: {dashboard}")
    return report
