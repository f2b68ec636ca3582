"""The HTTP role matrix (issue 14): the five services on the real database, callers with OIDC JWTs signed by a
test identity provider (a JWKS file), every role against reads and commands of Grand Est (44) and Occitanie (76).

A regional user can neither read nor change another region's data (lists narrowed, detail and command 403
OUT_OF_REGION, the data unchanged); its own region works; a reader never writes; an instructor acts for its
programme only; sensitive fields are null for a reader; no token, an expired or a forged one: 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import functools
import io
import itertools
import json
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tdi_actions.app import create_app as create_actions
from tdi_funding.app import create_app as create_funding
from tdi_reporting.app import create_app as create_reporting
from tdi_reporting.options import ReportingOptions
from tdi_runtime.testing import unique_name
from tdi_territory.app import create_app as create_territory
from tdi_vte.app import create_app as create_vte
from tdi_vte.rules import VteRules

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ISSUER, AUDIENCE = "https://sso.test.anct.gouv.fr/realms/tdi", "tdi-platform"
STAFF = "matrix-local-staff"
REGION_OF = {"regional-44": "44", "regional-76": "76"}
AUTH_ERRORS = {"none": "UNAUTHENTICATED", "expired": "TOKEN_EXPIRED", "forged": "INVALID_TOKEN"}
ROLES = ("national", "regional-44", "regional-76", "instructor", "reader", *AUTH_ERRORS)
PROGRAMME = "fonds-vert-ti"
TAG = uuid.uuid4().hex[:6]
TERRITORY = {"44": f"tdi-44-matrice-{TAG}", "76": f"tdi-76-matrice-{TAG}"}
COMMUNE = {"44": "51454", "76": "34172"}


@dataclass(frozen=True)
class Case:
    """One route called on one region's object: `programme` when the data belongs to one programme,
    `instructors` when an instructor of that programme may send it."""

    service: str
    name: str
    region: str | None
    write: bool = False
    programme: str | None = None
    instructors: bool = False
    rows: bool = False
    """A list or detail of records beside personal data: a reader gets counts only (issue 22 #13)."""


def expected(role: str, case: Case) -> str | None:
    """The code a caller gets (None: allowed): the rule of issue 14, written once for the whole matrix."""
    if role in AUTH_ERRORS:
        return AUTH_ERRORS[role]
    if case.write and role == "reader":
        return "READ_ONLY_ROLE"
    if case.rows and role == "reader":
        return "AGGREGATES_ONLY"
    if case.write and role == "instructor" and not case.instructors:
        return "FORBIDDEN"
    if role == "instructor" and case.programme not in (None, PROGRAMME):
        return "OUT_OF_PROGRAMME"
    if role in REGION_OF and case.region is not None and case.region != REGION_OF[role]:
        return "OUT_OF_REGION"
    return None


@pytest.fixture(scope="module")
def identity(tmp_path_factory) -> dict[str, Any]:
    """A test identity provider: its JWKS file and one bearer per role (a forged one signed by another key)."""
    key, other = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path_factory.mktemp("idp") / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}), encoding="utf-8")

    def sign(signer: Any, exp: int = 600, **claims: Any) -> str:
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": f"agent-{uuid.uuid4().hex[:8]}", **claims}
        body["exp"] = int(time.time()) + exp
        return jwt.encode(body, signer, algorithm="RS256", headers={"kid": "k1"})

    bearers = {
        "national": sign(key, tdi_role="national"),
        "regional-44": sign(key, tdi_role="regional", tdi_region="44"),
        "regional-76": sign(key, roles=["offline_access", "regional"], tdi_region="76"),
        "instructor": sign(key, tdi_role="instructor", tdi_programme=PROGRAMME),
        "reader": sign(key, tdi_role="reader"),
        "partner-bpifrance": sign(key, tdi_partner="bpifrance"),  # a partner's client-credentials token
        "expired": sign(key, exp=-60, tdi_role="national"),
        "forged": sign(other, tdi_role="national"),
    }
    settings = {"jwt_jwks_file": str(jwks), "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE}
    return {"bearers": bearers, "settings": settings}


async def _know(conn: Any, region: str, departement: str) -> None:
    """The consuming services' projection of one labelled territory of the region, with one commune."""
    await conn.execute(
        "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
        " epci_sirens, active_binomes, chefs_de_projet, revision, as_of) VALUES ($1, NULL, $2, true, $3, $4,"
        " '{200067213,200066793}', 1, '{}', 1, $5)",
        TERRITORY[region],
        f"Territoire de la matrice {region}",
        [region],
        [departement],
        datetime.now(UTC),
    )
    await conn.execute(
        "INSERT INTO known_communes (insee, territory_id, epci_siren, departement, assigned_on)"
        " VALUES ($1, $2, '200067213', $3, current_date) ON CONFLICT DO NOTHING",
        COMMUNE[region],
        TERRITORY[region],
        departement,
    )


APPS: dict[str, Any] = {}
OTHER_PROGRAMME = "sites-cles-en-main"
REQUESTED = 10_000_000


async def _reporting_rows(conn: Any) -> None:
    """Reporting's read models: in each region an undecided dossier of the instructor's programme and one of
    another programme, a VTE contract and a fiche action (what the folds would have written)."""
    for region in ("44", "76"):
        await conn.execute(
            "INSERT INTO rm_fiche_action (fiche_action_id, territory_id, categories, title, proposed_on)"
            " VALUES ($1, $2, '{transition-energetique}', $3, current_date)",
            f"mx-fiche-{region}-{TAG}",
            TERRITORY[region],
            FICHE["title"],
        )
        for programme in (PROGRAMME, OTHER_PROGRAMME):
            await conn.execute(
                "INSERT INTO rm_application (application_id, territory_id, programme, requested_cents,"
                " eligible_cost_cents, jobs_expected, filed_at, instruction_started_at)"
                " VALUES ($1, $2, $3, $4, 40000000, 12, now(), now())",
                f"mx-{region}-{programme}-{TAG}",
                TERRITORY[region],
                programme,
                REQUESTED,
            )
        await conn.execute(
            "INSERT INTO rm_vte_contract (vte_contract_id, territory_id, employer_size, signed_on)"
            " VALUES ($1, $2, 'pme', current_date)",
            f"mx-vte-{region}-{TAG}",
            TERRITORY[region],
        )


@pytest.fixture
def five_services(run_service, platform_stack, identity):
    """The five services in-process, each on a schema of its own, without consumers or relay (HTTP only)."""

    @contextlib.asynccontextmanager
    async def _start() -> Any:
        quiet = {"start_consumers": False, "start_relay": False, "start_retention": False, "log_json": False}
        common = {**identity["settings"], **quiet, "api_tokens": {STAFF: "staff"}}
        common["database_url"] = platform_stack.database_url
        factories = {
            "territory": create_territory,
            "actions": create_actions,
            "funding": create_funding,
            "vte": functools.partial(create_vte, rules=VteRules(pseudonym_key="matrix-key")),  # type: ignore[arg-type]
            "reporting": lambda s: create_reporting(
                s,  # webhooks to 127.0.0.1 accepted, never sent (no worker)
                ReportingOptions(
                    consumer_group=unique_name("tdi-rep-mx"), webhook_allowed_hosts=["127.0.0.1"], webhook_interval_s=0
                ),
            ),
        }
        async with contextlib.AsyncExitStack() as stack:
            clients = {}
            for name, factory in factories.items():
                app, client = await stack.enter_async_context(
                    run_service(factory, name, db_schema=unique_name(f"mx_{name}"), **common)
                )
                APPS[name] = app
                if name in ("actions", "funding", "vte", "reporting"):
                    async with app.state.runtime.pool.acquire() as conn:
                        await _know(conn, "44", "51")
                        await _know(conn, "76", "34")
                if name == "reporting":
                    async with app.state.runtime.pool.acquire() as conn:
                        await _reporting_rows(conn)
                if name == "funding":
                    async with app.state.runtime.pool.acquire() as conn:
                        for region in ("44", "76"):
                            await conn.execute(
                                "INSERT INTO envelopes (id, programme, region, year, ceiling_cents, opened_on)"
                                " VALUES ($1, $2, $3, 2024, 100000000000, $4)",
                                f"mx-fv-{region}-{TAG}",
                                PROGRAMME,
                                region,
                                date(2024, 1, 2),
                            )
                clients[name] = client
            yield clients

    return _start


class Matrix:
    """Calls one route as one role, checks the answer against `expected` and counts it."""

    def __init__(self, clients: dict[str, Any], bearers: dict[str, str]) -> None:
        self.clients, self.bearers = clients, bearers
        self.counts: Counter[tuple[str, str]] = Counter()

    def headers(self, role: str) -> dict[str, str]:
        bearer = STAFF if role == "staff" else self.bearers.get(role)
        return {"Authorization": f"Bearer {bearer}"} if bearer else {}

    async def staff(self, service: str, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self.clients[service].request(method, path, headers=self.headers("staff"), **kwargs)
        assert answer.status_code < 300, answer.text
        return answer.json()

    async def call(self, role: str, case: Case, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self.clients[case.service].request(method, path, headers=self.headers(role), **kwargs)
        json_body = answer.headers.get("content-type", "").startswith("application/json")
        return self.judge(role, case, answer.status_code, answer.json() if json_body else answer.content)

    def judge(self, role: str, case: Case, status: int, body: Any) -> Any:
        code = expected(role, case)
        if code is None:
            assert status < 300, (role, case, body)
        else:
            refused = 401 if role in AUTH_ERRORS else 403
            assert (status, body.get("code")) == (refused, code), (role, case, body)
            assert body["message"], "a French sentence says why"
        self.counts[(role, "allowed" if code is None else "refused")] += 1
        return body

    async def feed(self, role: str, case: Case, **params: str) -> Any:
        """The live feed as a browser opens it: the answer's status, then its first `figures` message."""
        status, body = await first_sse(APPS[case.service], "/api/feed", params, self.headers(role))
        return self.judge(role, case, status, body)

    async def command(
        self, role: str, case: Case, state: Callable[[], Awaitable[Any]], path: str, body: Any = None
    ) -> None:
        """A command: when it is refused, what a national reader sees of the object did not change."""
        before = await state()
        await self.call(role, case, "POST", path, json=body)
        if expected(role, case) is not None:
            assert await state() == before, f"{role} was refused on {case.name} but the data changed"


async def territory_routes(m: Matrix, role: str) -> None:
    s = "territory"
    for region in ("44", "76"):
        tid = TERRITORY_IDS[region]
        detail = await m.call(role, Case(s, "territory", region), "GET", f"/territories/{tid}")
        if role == "reader":
            assert all(b["industrial_company"] is None for b in detail["binomes"]), "binômes' companies hidden"
            assert all(p["annual_cost_cents"] is None for p in detail["chefs_de_projet"]), "post costs hidden"
        if role in ("national", REGION_TAG.get(region)):
            assert any(b["industrial_company"] for b in detail["binomes"])
            assert any(p["annual_cost_cents"] for p in detail["chefs_de_projet"])
        await m.call(
            role, Case(s, "territory list of a region", region), "GET", "/territories", params={"region": region}
        )
        target = next(SPARE[region])
        body = {**BINOME, "industrial_company": f"Entreprise {role}"}

        async def binomes(tid: str = target) -> int:
            return len((await m.staff(s, "GET", f"/territories/{tid}"))["binomes"])

        case = Case(s, "record a binôme", region, write=True)
        await m.command(role, case, binomes, f"/territories/{target}/binomes", body)
    listed = await m.call(role, Case(s, "territory list", None), "GET", "/territories")
    if role in REGION_OF:
        assert listed["count"] > 0 and all(REGION_OF[role] in t["regions"] for t in listed["territories"])


REGION_TAG = {"44": "regional-44", "76": "regional-76"}
BINOME = {"elected_mandate": "president-epci", "industrial_company": "Fonderie", "industrial_company_size": "pme",
          "industrial_sector": "métallurgie", "appointed_on": "2023-12-01"}  # fmt: skip
TERRITORY_IDS: dict[str, str] = {}
SPARE: dict[str, Any] = {}


async def prepare_territories(m: Matrix) -> None:
    """A territory per region with a binôme and a post (sensitive fields), and fresh ones to record binômes on."""
    for region in ("44", "76"):
        listed = (await m.staff("territory", "GET", "/territories", params={"region": region}))["territories"]
        ids = [t["id"] for t in listed if t["regions"] == [region] and t["status"] == "labelled"] or [
            t["id"] for t in listed if t["regions"] == [region]
        ]
        TERRITORY_IDS[region] = ids[0]
        SPARE[region] = itertools.cycle(ids[1:])
        await m.staff("territory", "POST", f"/territories/{ids[0]}/binomes", json=BINOME)
        post = {"employer_siren": "200067403", "employer_authority": "epci", "annual_cost_cents": 6_000_000,
                "started_on": "2024-02-01"}  # fmt: skip
        await m.staff("territory", "POST", f"/territories/{ids[0]}/chefs-de-projet", json=post)


FICHE = {"title": "Réseau de chaleur fatale", "lead_kind": "organisation", "lead": "Communauté urbaine",
         "categories": ["transition-energetique"], "proposed_on": "2024-01-15"}  # fmt: skip
FICHES: dict[str, str] = {}


async def actions_routes(m: Matrix, role: str) -> None:
    s = "actions"
    for region in ("44", "76"):
        fiche = FICHES[region]
        await m.call(role, Case(s, "fiche", region), "GET", f"/fiches/{fiche}")
        await m.call(role, Case(s, "counts of a region", region), "GET", "/counts", params={"region": region})
        revision = {
            **{k: v for k, v in FICHE.items() if k != "proposed_on"},
            "title": f"Fiche {region}",
            "description": f"révisée par {role}",
            "revised_on": "2025-01-02",
        }

        async def description(f: str = fiche) -> str:
            return str((await m.staff(s, "GET", f"/fiches/{f}"))["description"])

        case = Case(s, "revise a fiche", region, write=True)
        await m.command(role, case, description, f"/fiches/{fiche}/revision", revision)
    listed = await m.call(role, Case(s, "fiche list", None), "GET", "/fiches")
    if role in REGION_OF:
        assert listed["total"] >= 1 and all(f["territory_id"] == TERRITORY[REGION_OF[role]] for f in listed["fiches"])


def dossier(region: str) -> dict[str, Any]:
    return {"territory_id": TERRITORY[region], "programme": PROGRAMME, "envelope_id": f"mx-fv-{region}-{TAG}",
            "applicant_siren": "732829320", "establishment_siret": None, "project_title": "Recyclage de composites",
            "requested_cents": 10_000_000, "eligible_cost_cents": 40_000_000, "instrument": "subvention",
            "value_chain": "recyclage-economie-circulaire", "fiche_action_id": None, "funding_year": 2024,
            "project_type": "investissement-industriel", "expected_jobs": 12,
            "productive_investment_cents": 50_000_000, "supported_by_local_authorities": True,
            "linked_to_territory_strategy": True}  # fmt: skip


async def funding_routes(m: Matrix, role: str) -> None:
    s = "funding"
    for region in ("44", "76"):
        filed = (await m.staff(s, "POST", "/applications", json=dossier(region)))["application_id"]
        seen = await m.call(role, Case(s, "dossier", region, programme=PROGRAMME), "GET", f"/applications/{filed}")
        if role == "reader":
            assert seen["requested_cents"] is None and seen["details"] is None, "amounts before decision hidden"
        if role == "national":
            assert seen["requested_cents"] == 10_000_000
        await m.call(role, Case(s, "envelope", region, programme=PROGRAMME), "GET", f"/envelopes/mx-fv-{region}-{TAG}")

        async def state(a: str = filed) -> str:
            return str((await m.staff(s, "GET", f"/applications/{a}"))["state"])

        case = Case(s, "open the instruction", region, write=True, programme=PROGRAMME, instructors=True)
        await m.command(role, case, state, f"/applications/{filed}/instruction")

        async def count(r: str = region) -> int:
            return int((await m.staff(s, "GET", "/applications", params={"region": r}))["total"])

        case = Case(s, "file a dossier", region, write=True, programme=PROGRAMME, instructors=True)
        await m.command(role, case, count, "/applications", dossier(region))
    listed = await m.call(role, Case(s, "dossier list", None, programme=None), "GET", "/applications")
    if role in REGION_OF:
        assert listed["total"] >= 2 and all(REGION_OF[role] in a["regions"] for a in listed["applications"])


def contract(region: str, reference: str) -> dict[str, Any]:
    return {"contract_reference": reference, "territory_id": TERRITORY[region],
            "establishment": {"siret": "73282932000074", "siren": "732829320", "size": "pme",
                              "commune_insee": COMMUNE[region]},
            "candidate": {"candidate_reference": f"CAND-{reference}", "status": "jeune-diplome",
                          "study_level": "bac+5", "graduated_in": "2023-06"},
            "contract_type": "cdd", "duration_months": 12, "starts_on": "2023-10-02", "signed_on": "2023-09-15",
            "aid_requested_on": "2023-10-20"}  # fmt: skip


VTE_CONTRACTS: dict[str, str] = {}


async def vte_routes(m: Matrix, role: str) -> None:
    s = "vte"
    for region in ("44", "76"):
        case = Case(s, "contract", region, programme="vte", rows=True)
        await m.call(role, case, "GET", f"/vte/contracts/{VTE_CONTRACTS[region]}")
        case = Case(s, "aids of a region", region, programme="vte", rows=True)
        await m.call(role, case, "GET", "/vte/aids", params={"region": region})
        case = Case(s, "aid totals of a region", region, programme="vte")
        totals = await m.call(role, case, "GET", "/vte/aids/totals", params={"region": region})
        if role == "reader":
            assert totals["contracts"] >= 1, "a reader gets the counts"

        async def count(r: str = region) -> int:
            return int((await m.staff(s, "GET", "/vte/aids/totals", params={"region": r}))["contracts"])

        reference = f"MX-{TAG}-{region}-{role}"
        case = Case(s, "record a contract", region, write=True, programme="vte", instructors=True)
        await m.command(role, case, count, "/vte/contracts", contract(region, reference))
    listed = await m.call(role, Case(s, "aid list", None, programme="vte", rows=True), "GET", "/vte/aids")
    if role in REGION_OF:
        assert listed["count"] >= 1 and all(REGION_OF[role] in a["regions"] for a in listed["aids"])


async def first_sse(app: Any, path: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
    """Open an SSE route on the app itself (httpx's ASGI transport waits for the end of a response, which a
    stream never reaches): the status and, for a stream, the data of its first `figures` message."""
    status: list[int] = []
    chunks = bytearray()
    first: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    closed = asyncio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await closed.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            chunks.extend(message.get("body", b""))
            if (b"data:" in chunks or not message.get("more_body")) and not first.done():
                first.set_result(None)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": urlencode(params).encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000), "server": ("test", 80),
    }  # fmt: skip
    task = asyncio.create_task(app(scope, receive, send))
    try:
        await asyncio.wait_for(first, 120)  # a bound that only turns a hang into a failure
    finally:
        closed.set()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, 30)
    if status[0] != 200:
        return status[0], json.loads(bytes(chunks))
    data = next(line for line in bytes(chunks).decode().splitlines() if line.startswith("data:"))
    return 200, json.loads(data[5:])


def check_funding_rows(role: str, rows: list[dict[str, Any]]) -> None:
    """Reporting's funding rows as funding would show them: a reader never gets an undecided amount, an
    instructor its programme's dossiers only."""
    assert rows, role
    hidden = ("montant_demande_centimes", "investissement_prevu_centimes", "emplois_prevus")
    if role == "reader":
        assert all(r[c] is None for r in rows for c in hidden), "amounts of undecided dossiers hidden"
    elif role in ("national", *REGION_OF, "instructor"):
        assert all(isinstance(r["montant_demande_centimes"], int) for r in rows), role
    if role == "instructor":
        assert {r["programme"] for r in rows} == {PROGRAMME}, "an instructor reads its programme only"


def check_figures(role: str, figures: dict[str, Any]) -> None:
    """The dashboard's document: a regional caller sees no zone or territory of another region; reader and
    instructor as in `check_funding_rows`; an instructor of another programme gets no VTE figure."""
    if role in AUTH_ERRORS:
        return
    check_funding_rows(role, figures["financements"])
    if role in REGION_OF:
        assert set(figures["carte"]["regions"]) <= {REGION_OF[role]}, "no other region on the map"
        assert all(REGION_OF[role] in t["regions"] for t in figures["liste_territoires"])
    else:
        assert {"44", "76"} <= set(figures["carte"]["regions"])
    if role == "instructor":
        assert all(v is None for v in figures["vte_total"].values()) and figures["vte"] == []
    else:
        assert figures["vte_total"]["contrats_signes"] >= 1


def exported_rows(body: bytes) -> list[dict[str, Any]]:
    """A CSV export read back as a spreadsheet would (empty cells: None)."""
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return [{k: (int(v) if v.lstrip("-").isdigit() else v or None) for k, v in r.items()} for r in rows]


async def reporting_routes(m: Matrix, role: str) -> None:
    s = "reporting"
    allowed = role not in AUTH_ERRORS
    for region in ("44", "76"):
        case = Case(s, "figures of a region", region)
        shown = await m.call(role, case, "GET", "/api/figures", params={"region": region})
        if expected(role, case) is None:
            check_figures(role, shown)
        path = "/api/read-models/territoires"
        await m.call(role, Case(s, "read model of a region", region), "GET", path, params={"region": region})
        case = Case(s, "funding export of a region", region)
        found = await m.call(role, case, "GET", "/api/exports/financements.json", params={"region": region})
        if expected(role, case) is None:
            check_funding_rows(role, found["rows"])
        case = Case(s, "fiches export of a region", region)
        found = await m.call(role, case, "GET", "/api/exports/fiches.json", params={"region": region})
        if expected(role, case) is None:
            assert {r["territoire"] for r in found["rows"]} == {TERRITORY[region]}, "the region's fiches, as actions"
        case = Case(s, "steering committee's report of a region", region)
        report = await m.call(role, case, "GET", f"/api/reports/region:{region}.xlsx")
        if expected(role, case) is None:
            assert report.startswith(b"PK"), "the report's XLSX companion"
        shown = await m.feed(role, Case(s, "feed of a region", region), region=region)
        if expected(role, Case(s, "feed of a region", region)) is None:
            check_figures(role, shown)
    narrowed = await m.call(role, Case(s, "read model", None), "GET", "/api/read-models/territoires")
    if role in REGION_OF:
        assert narrowed["filters"]["region"] == REGION_OF[role], "a regional user's figures are its region's"
    fiches = await m.call(role, Case(s, "fiches export", None), "GET", "/api/exports/fiches.csv")
    if allowed:
        shown_territories = {r["territoire"] for r in exported_rows(fiches)}
        assert shown_territories == ({TERRITORY[REGION_OF[role]]} if role in REGION_OF else set(TERRITORY.values()))
    check_figures(role, await m.call(role, Case(s, "figures", None), "GET", "/api/figures"))
    check_figures(role, await m.feed(role, Case(s, "feed", None)))
    found = await m.call(role, Case(s, "funding rows", None), "GET", "/api/read-models/financements")
    if allowed:
        check_funding_rows(role, found["rows"])
    body = await m.call(role, Case(s, "funding export", None), "GET", "/api/exports/financements.csv")
    if allowed:
        check_funding_rows(role, exported_rows(body))
    vte = Case(s, "VTE read model", None, programme="vte")
    await m.call(role, vte, "GET", "/api/read-models/vte")
    await m.call(role, Case(s, "VTE export", None, programme="vte"), "GET", "/api/exports/vte.xlsx")


WEBHOOK_OWNERS = ("national", *REGION_OF)
"""Roles of this matrix that may own a webhook subscription (besides territory callers and partners)."""
STAFF_WEBHOOKS: list[str] = []


def webhook_refusal(role: str, write: bool) -> str | None:
    """The code a caller gets on the webhook routes (None: allowed): national staff, regional callers (and territory
    callers, partners) manage their own subscriptions; a reader never writes; any other role is refused."""
    if role in AUTH_ERRORS:
        return AUTH_ERRORS[role]
    if role in WEBHOOK_OWNERS:
        return None
    return "READ_ONLY_ROLE" if write and role == "reader" else "FORBIDDEN"


async def webhook_routes(m: Matrix, role: str) -> None:
    """Webhooks of their own (issue 25): each owner's subscriptions are its own; another's is 404 NOT_FOUND."""
    client = m.clients["reporting"]
    if not STAFF_WEBHOOKS:
        body = {"url": "https://127.0.0.1/staff", "event_types": ["alert"]}
        STAFF_WEBHOOKS.append((await m.staff("reporting", "POST", "/api/webhooks", json=body))["id"])

    def judge(write: bool, answer: Any, allowed_status: int = 200) -> Any:
        code = webhook_refusal(role, write)
        if code is None:
            assert answer.status_code == allowed_status, (role, answer.text)
        else:
            assert (answer.status_code, answer.json()["code"]) == (401 if role in AUTH_ERRORS else 403, code), role
        m.counts[(role, "allowed" if code is None else "refused")] += 1
        return answer.json()

    alerts = {"url": f"https://127.0.0.1/{role}", "event_types": ["alert"]}
    created = judge(True, await client.post("/api/webhooks", json=alerts, headers=m.headers(role)), 201)
    listed = judge(False, await client.get("/api/webhooks", headers=m.headers(role)))
    if webhook_refusal(role, False) is not None:
        return
    own = created["id"]
    assert own in [w["id"] for w in listed["webhooks"]]
    assert (await client.get(f"/api/webhooks/{own}/events", headers=m.headers(role))).status_code == 200
    if role == "national":
        return
    assert listed["webhooks"] == [w for w in listed["webhooks"] if w["owner"]["scope"] == REGION_OF[role]]
    grants = {**alerts, "event_types": ["fr.territoires-industrie.funding.GrantCommitted.v1"]}
    refused = await client.post("/api/webhooks", json=grants, headers=m.headers(role))
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN"), "only what it reads elsewhere"
    for other in STAFF_WEBHOOKS:
        answer = await client.get(f"/api/webhooks/{other}/events", headers=m.headers(role))
        assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND"), "another owner's is not found"
        m.counts[(role, "refused")] += 1
    STAFF_WEBHOOKS.append(own)  # the next regional caller must not see this one either


async def partner_webhooks(m: Matrix) -> None:
    """A partner's OIDC client-credentials JWT (claim `tdi_partner`) owns webhooks of its own answers, reads no other
    subscription, and is no staff token anywhere else."""
    client, headers = m.clients["reporting"], m.headers("partner-bpifrance")
    accepted = "fr.territoires-industrie.partners.PartnerEventAccepted.v1"
    answers = {"url": "https://127.0.0.1/bpi", "event_types": [accepted]}
    created = await client.post("/api/webhooks", json=answers, headers=headers)
    assert created.status_code == 201 and created.json()["owner"]["scope"] == "bpifrance", created.text
    alerts = await client.post("/api/webhooks", json={**answers, "event_types": ["alert"]}, headers=headers)
    assert (alerts.status_code, alerts.json()["code"]) == (403, "FORBIDDEN")
    for other in STAFF_WEBHOOKS:
        answer = await client.get(f"/api/webhooks/{other}/events", headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")
    figures = await client.get("/api/figures", headers=headers)
    assert (figures.status_code, figures.json()["code"]) == (403, "FORBIDDEN"), "a partner's token reads no figure"


async def test_a_regional_user_can_neither_read_nor_change_another_regions_data(five_services, identity):
    async with five_services() as clients:
        m = Matrix(clients, identity["bearers"])
        await prepare_territories(m)
        for region in ("44", "76"):
            created = await m.staff("actions", "POST", "/fiches", json={**FICHE, "territory_id": TERRITORY[region]})
            FICHES[region] = created["id"]
            recorded = await m.staff("vte", "POST", "/vte/contracts", json=contract(region, f"MX-{TAG}-{region}"))
            VTE_CONTRACTS[region] = recorded["vte_contract_id"]
        for role in ROLES:
            for routes in (territory_routes, actions_routes, funding_routes, vte_routes, reporting_routes):
                await routes(m, role)
            await webhook_routes(m, role)
        await partner_webhooks(m)

    print("\n[http role matrix] role: allowed / refused")
    for role in ROLES:
        print(f"  {role:<12} {m.counts[(role, 'allowed')]:>3} / {m.counts[(role, 'refused')]:>3}")
    total = sum(m.counts.values())
    print(f"  {total} calls, {sum(n for (_, k), n in m.counts.items() if k == 'refused')} refused")
    assert m.counts[("national", "refused")] == 0
    assert m.counts[("regional-44", "refused")] > 0 and m.counts[("regional-44", "allowed")] > 0
    assert m.counts[("reader", "refused")] > 0 and m.counts[("none", "allowed")] == 0
