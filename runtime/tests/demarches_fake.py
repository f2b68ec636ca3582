"""A local Démarches simplifiées for tests: the vendored schema served by ariadne, with recorded dossiers.

It behaves as DS does where the connector depends on it: `dossiers(updatedSince, after, first)` filters
`updated_at >= since`, orders by (updated_at, id), pages with an opaque cursor "<updated_at µs>;<id>" in base64
and caps `first` at 100; `dateDerniereModification` is given to the second; `dossier(number)` reads one; a bearer
token is required; answers can be forced (e.g. a 429 with Retry-After). The dossiers hold no personal data.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ariadne import InterfaceType, ObjectType, QueryType, make_executable_schema
from ariadne.asgi import GraphQL
from graphql import GraphQLResolveInfo

SDL = (Path(__file__).resolve().parent / "fixtures" / "ds" / "schema.graphql").read_text(encoding="utf-8")
TOKEN = "jeton-de-test-ds"

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def _iso_s(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _cursor(at: datetime, number: int) -> str:
    return base64.b64encode(f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')};{number}".encode()).decode()


def _uncursor(cursor: str) -> tuple[datetime, int]:
    at, number = base64.b64decode(cursor).decode().split(";")
    return datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC), int(number)


def fonds_vert_dossier(number: int, state: str, at: datetime, **over: Any) -> dict[str, Any]:
    """A recorded Fonds vert dossier (a company applicant, no person named), as the fake stores it."""
    champs = [
        {
            "__typename": "TextChamp",
            "champDescriptorId": "Q2hhbXAtMTAwMA==",
            "label": "Intitulé du projet",
            "stringValue": f"Décarbonation du site n° {number}",
        },
        {
            "__typename": "DecimalNumberChamp",
            "champDescriptorId": "Q2hhbXAtMTAwMQ==",
            "label": "Montant de l'aide demandée (€)",
            "stringValue": "250000.5",
            "value": 250000.5,
        },
        {
            "__typename": "CommuneChamp",
            "champDescriptorId": "Q2hhbXAtMTAwMw==",
            "label": "Commune d'implantation du projet",
            "stringValue": "Reims (51100)",
            "commune": {"code": "51454", "name": "Reims"},
            "departement": {"code": "51", "name": "Marne"},
        },
        {
            "__typename": "DropDownListChamp",
            "champDescriptorId": "Q2hhbXAtMTAwNQ==",
            "label": "Type de projet",
            "stringValue": "Investissement industriel",
            "value": "Investissement industriel",
        },
    ]
    annotations = [
        {
            "__typename": "DecimalNumberChamp",
            "champDescriptorId": "QW5ub3RhdGlvbi0yMDAx",
            "label": "Montant accordé (€)",
            "stringValue": "180000" if state == "accepte" else None,
            "value": 180000.0 if state == "accepte" else None,
        },
    ]
    dossier = {
        "number": number,
        "state": state,
        "updated_at": at,
        "dateDepot": "2024-02-01T09:00:00+01:00",
        "datePassageEnInstruction": None if state == "en_construction" else "2024-02-10T09:00:00+01:00",
        "dateTraitement": "2024-03-01T09:00:00+01:00" if state in ("accepte", "refuse", "sans_suite") else None,
        "demandeur": {
            "__typename": "PersonneMorale",
            "siret": "13002526500013",
            "entreprise": {"siren": "130025265"},
            "address": {"cityCode": "51454"},
        },
        "champs": champs,
        "annotations": annotations,
    }
    dossier.update(over)
    return dossier


@dataclass
class FakeDemarches:
    """`fake.put(dossier)` sets what DS holds now; `fake.app` is the ASGI server (give it to httpx)."""

    demarches: set[int]
    dossiers: dict[int, dict[str, Any]] = field(default_factory=dict)
    forced: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers) answered first
    requests: list[dict[str, Any]] = field(default_factory=list)  # variables of each GraphQL request served
    stale: list[dict[str, Any]] = field(default_factory=list)  # served once on the next page, as if read late

    def put(self, dossier: dict[str, Any]) -> None:
        self.dossiers[dossier["number"]] = copy.deepcopy(dossier)

    def move(self, number: int, state: str, at: datetime) -> None:
        """The dossier changes state in DS at `at` (its amounts and annotation as the recording has them)."""
        self.put(fonds_vert_dossier(number, state, at))

    def serve_stale(self, dossier: dict[str, Any]) -> None:
        """The next page also holds this (older) snapshot: a read that arrives late, out of order."""
        self.stale.append(copy.deepcopy(dossier))

    def _node(self, d: dict[str, Any]) -> dict[str, Any]:
        node = {k: v for k, v in d.items() if k != "updated_at"}
        node["dateDerniereModification"] = _iso_s(d["updated_at"])
        return node

    def _dossiers(self, parent: dict[str, Any], info: GraphQLResolveInfo, **kw: Any) -> dict[str, Any]:
        since = kw.get("updatedSince")
        items = sorted(self.dossiers.values(), key=lambda d: (d["updated_at"], d["number"]))
        if since is not None:
            since_at = datetime.fromisoformat(since) if isinstance(since, str) else since
            items = [d for d in items if d["updated_at"] >= since_at]
        if kw.get("after"):
            after = _uncursor(kw["after"])
            items = [d for d in items if (d["updated_at"].astimezone(UTC), d["number"]) > after]
        first = min(kw.get("first") or 100, 100)
        page, more = items[:first], len(items) > first
        nodes = [self._node(d) for d in page]
        if self.stale:
            nodes = [self._node(d) for d in self.stale] + nodes
            self.stale.clear()
        end = _cursor(page[-1]["updated_at"], page[-1]["number"]) if page else kw.get("after")
        return {
            "nodes": nodes,
            "pageInfo": {"hasNextPage": more, "endCursor": end, "hasPreviousPage": False, "startCursor": None},
        }

    @property
    def app(self) -> ASGIApp:
        query, demarche = QueryType(), ObjectType("Demarche")

        @query.field("demarche")
        def _demarche(*_: Any, number: int) -> dict[str, Any] | None:
            return {"number": number} if number in self.demarches else None

        @query.field("dossier")
        def _dossier(*_: Any, number: int) -> dict[str, Any] | None:
            found = self.dossiers.get(number)
            return None if found is None else self._node(found)

        demarche.set_field("dossiers", self._dossiers)
        schema = make_executable_schema(
            SDL,
            query,
            demarche,
            InterfaceType("Champ", lambda obj, *_: obj["__typename"]),
            InterfaceType("Demandeur", lambda obj, *_: obj["__typename"]),
        )
        graphql = GraphQL(schema)
        return self._guarded(graphql)

    def _guarded(self, app: ASGIApp) -> ASGIApp:
        async def guarded(
            scope: Scope, receive: Callable[[], Awaitable[Any]], send: Callable[[Any], Awaitable[None]]
        ) -> None:
            headers = dict(scope.get("headers") or [])
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            if body:
                self.requests.append(json.loads(body).get("variables") or {})
            status, extra = (401, {}) if headers.get(b"authorization") != f"Bearer {TOKEN}".encode() else (200, {})
            if status == 200 and self.forced:
                status, extra = self.forced.pop(0)
            if status != 200:
                raw = [(b"content-type", b"text/plain")] + [(k.lower().encode(), v.encode()) for k, v in extra.items()]
                await send({"type": "http.response.start", "status": status, "headers": raw})
                await send({"type": "http.response.body", "body": b"Retry later\n"})
                return
            sent = False

            async def replay() -> dict[str, Any]:
                nonlocal sent
                if sent:
                    return {"type": "http.disconnect"}
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            await app(scope, replay, send)

        return guarded


T0 = datetime(2024, 2, 1, 8, 0, 0, 123456, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """A DS time `minutes` after T0 (with microseconds, as DS stores them)."""
    return T0 + timedelta(minutes=minutes)


@contextlib.asynccontextmanager
async def served(fake: FakeDemarches) -> AsyncIterator[str]:
    """`async with served(fake) as endpoint:` the local DS on a uvicorn of its own (a free port of 127.0.0.1), for a
    service whose door reaches DS over HTTP as in production; yields the GraphQL endpoint."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(fake.app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # its error
            raise RuntimeError("the local Démarches simplifiées stopped at start")
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/api/v2/graphql"
    finally:
        server.should_exit = True
        await task


def site_candidacy_dossier(number: int, state: str, at: datetime, **over: Any) -> dict[str, Any]:
    """A recorded candidacy of the sites clés en main démarche (`deploy/ds/sites-cles-en-main.example.toml`): a site
    of Reims, its maturity and three criteria answered (no person named), as the fake stores it."""

    def yes_no(suffix: str, label: str, value: str | None) -> dict[str, Any]:
        return {
            "__typename": "YesNoChamp",
            "champDescriptorId": f"Q2hhbXAtMzAx{suffix}",
            "label": label,
            "stringValue": value,
            "value": None if value is None else value == "Oui",
        }

    champs = [
        {
            "__typename": "TextChamp",
            "champDescriptorId": "Q2hhbXAtMzAwMA==",
            "label": "Nom du site",
            "stringValue": f"Parc d'activités n° {number}",
        },
        {
            "__typename": "CommuneChamp",
            "champDescriptorId": "Q2hhbXAtMzAwMQ==",
            "label": "Commune d'implantation du site",
            "stringValue": "Reims (51100)",
            "commune": {"code": "51454", "name": "Reims"},
            "departement": {"code": "51", "name": "Marne"},
        },
        {
            "__typename": "DropDownListChamp",
            "champDescriptorId": "Q2hhbXAtMzAwMg==",
            "label": "Maturité du site",
            "stringValue": "Friche à réhabiliter",
            "value": "Friche à réhabiliter",
        },
        yes_no("MA==", "Maîtrise foncière", "Oui"),
        yes_no("Mw==", "Raccordement aux réseaux", "Oui"),
        yes_no("NQ==", "Collectivités mobilisées", "Non"),
    ]
    dossier = {
        "number": number,
        "state": state,
        "updated_at": at,
        "dateDepot": "2023-11-30T10:00:00+01:00",
        "datePassageEnInstruction": None if state == "en_construction" else "2023-12-04T09:00:00+01:00",
        "dateTraitement": "2024-02-15T09:00:00+01:00" if state in ("accepte", "refuse", "sans_suite") else None,
        "demandeur": {
            "__typename": "PersonneMorale",
            "siret": "20006721300019",
            "entreprise": {"siren": "200067213"},
            "address": {"cityCode": "51454"},
        },
        "champs": champs,
        "annotations": [],
    }
    dossier.update(over)
    return dossier


def eligible_fonds_vert_dossier(number: int, state: str, at: datetime) -> dict[str, Any]:
    """A recorded Fonds vert dossier with what the Fonds vert asks besides the base form (its eligible cost, its two
    declarations: yes/no champs of the form), so funding's eligibility accepts it."""
    recorded = fonds_vert_dossier(number, state, at)
    recorded["champs"] += [
        {
            "__typename": "DecimalNumberChamp",
            "champDescriptorId": "Q2hhbXAtMTAwMg==",
            "label": "Coût total éligible du projet (€)",
            "stringValue": "900000",
            "value": 900000.0,
        },
        *(
            {"__typename": "YesNoChamp", "champDescriptorId": id_, "label": label, "stringValue": "Oui", "value": True}
            for id_, label in (
                ("Q2hhbXAtMTAwNg==", "Projet soutenu par les collectivités locales concernées"),
                ("Q2hhbXAtMTAwNw==", "Projet inscrit dans la stratégie industrielle du territoire"),
            )
        ),
    ]
    return recorded
