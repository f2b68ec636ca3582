"""Known perimeters for local stacks (demo, fault suite, bench): territories named after one EPCI join that EPCI.

The vte service locates an establishment by its commune and holds a contract pending while a territory that could
hold the commune has no known perimeter (issue 24). A fresh stack knows 182 territories and no EPCI, so every
stack that sends VTE contracts first gives some territories a perimeter, through the territory service's real
door (`POST /territories/{id}/epci`: the EPCI's communes of the vendored COG are assigned, and the perimeter is
known once every EPCI of the territory is in the COG), then sends its contracts in communes those territories hold.

**Which EPCI** (local stacks only, not the programme's perimeters): the 32 territories of the annex whose name is
the name of one EPCI of the vendored COG (`@etalab/decoupage-administratif`, COG 2026), in the territory's
départements (« Grand Reims » = « CU du Grand Reims »). Each joins that one EPCI on the day of the label; nothing
else is claimed (a territory may hold more EPCI: the official perimeter is the open data, `load-open-data`). Names,
legal forms and communes are the COG's, read from the territory service's vendored bundle; no code is invented.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

NAMED_AFTER_THEIR_EPCI: dict[str, str] = {
    "tdi-01-cap-excellence": "200018653",
    "tdi-03-ouest-guyanais": "249730037",
    "tdi-03-savanes": "200027548",
    "tdi-11-grand-paris-sud-seine-essonne-senart": "200059228",
    "tdi-24-chartres-metropole": "200033181",
    "tdi-27-grand-chalon": "247100589",
    "tdi-27-grand-dole": "200010650",
    "tdi-28-alencon": "246100663",
    "tdi-28-cotentin": "200067205",
    "tdi-32-beauvaisis": "200067999",
    "tdi-32-pays-de-saint-omer": "200069037",
    "tdi-44-grand-reims": "200067213",
    "tdi-52-laval-agglomeration": "200083392",
    "tdi-52-mayenne-communaute": "200055887",
    "tdi-52-mont-des-avaloirs": "200042182",
    "tdi-52-pays-de-chateau-gontier": "245300447",
    "tdi-52-terres-de-montaigu": "200070233",
    "tdi-53-dinan-agglomeration": "200068989",
    "tdi-53-lannion-tregor-communaute": "200065928",
    "tdi-53-ploermel-communaute": "200066777",
    "tdi-75-bocage-bressuirais": "200040244",
    "tdi-75-grand-chatelleraut": "248600413",
    "tdi-75-pays-basque": "200067106",
    "tdi-76-grand-narbonne": "241100593",
    "tdi-84-bassin-de-bourg-en-bresse": "200071751",
    "tdi-84-grand-annecy": "200066793",
    "tdi-84-pays-d-evian-vallee-d-abondance": "200071967",
    "tdi-84-valence-romans-agglo": "200068781",
    "tdi-93-aix-marseille-provence": "200054807",
    "tdi-93-nice-cote-d-azur": "200030195",
    "tdi-93-toulon-provence-mediterranee": "248300543",
    "tdi-94-pays-ajaccien": "242010056",
}
"""Platform id of the territory -> SIREN of the EPCI of the COG it is named after (checked by a unit test)."""
JOINED_ON = "2023-11-09"
"""The day of the label (Temps II, press kit of 9 Nov 2023): the EPCI is in the territory from its start."""


@dataclass(frozen=True)
class KnownPerimeter:
    """A territory, the one EPCI it joins and that EPCI's communes (current INSEE codes of the COG, sorted)."""

    territory_id: str
    siren: str
    epci_name: str
    nature_juridique: str
    communes: tuple[str, ...]

    def commune(self, n: int) -> str:
        """The n-th commune of the perimeter (cycling): where the n-th establishment of a stack stands."""
        return self.communes[n % len(self.communes)]

    def join_body(self) -> dict[str, str]:
        """The territory service's `JoinEpci` command."""
        return {"siren": self.siren, "name": self.epci_name, "nature_juridique": self.nature_juridique,
                "joined_on": JOINED_ON}  # fmt: skip


@cache
def known_perimeters() -> tuple[KnownPerimeter, ...]:
    """Every territory of `NAMED_AFTER_THEIR_EPCI` with its EPCI as the vendored COG describes it."""
    from tdi_territory.reference.cog import load_cog

    cog = load_cog()
    perimeters = []
    for territory_id, siren in sorted(NAMED_AFTER_THEIR_EPCI.items()):
        epci = cog.epci(siren)
        if epci is None:
            raise LookupError(f"EPCI {siren} of {territory_id} is not in {cog.label}")
        communes = tuple(sorted(m for m in epci.members if m in cog.communes))
        perimeters.append(KnownPerimeter(territory_id, siren, epci.name, epci.type, communes))
    return tuple(perimeters)


Post = Callable[[str, dict[str, Any], str], tuple[int, Any]]
"""`post(path, body, idempotency_key) -> (status, answer)`: a staff command to the territory service."""


def join_epcis(post: Post, perimeters: Sequence[KnownPerimeter] | None = None) -> dict[str, int]:
    """Each territory joins its EPCI (an Idempotency-Key per territory: a second run is answered the first answer;
    an EPCI already there counts as joined). Returns how many answers of each kind (`joined`, or `<status> <code>`)."""
    tally: dict[str, int] = {}
    for p in perimeters or known_perimeters():
        status, answer = post(f"/territories/{p.territory_id}/epci", p.join_body(), f"perimeter-{p.territory_id}")
        code = answer.get("code") if isinstance(answer, dict) else None
        outcome = "joined" if status < 300 or code == "EPCI_ALREADY_IN_TERRITORY" else f"{status} {code}"
        tally[outcome] = tally.get(outcome, 0) + 1
    return tally


def http_post(territory_url: str, token: str) -> Post:
    """`Post` over plain HTTP with the staff token (stacks without a client of their own)."""

    def post(path: str, body: dict[str, Any], key: str) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310 - the local stack's own loopback URL
            territory_url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return post


async def projected(database_url: str, perimeters: Sequence[KnownPerimeter], schema: str = "vte") -> bool:
    """Whether the service's territory projection (`schema`) holds every commune of the perimeters and calls each
    perimeter known (read only)."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        communes = await conn.fetchval(
            f"SELECT count(*) FROM {schema}.known_communes WHERE alias_of IS NULL AND insee = ANY($1::text[])",
            [c for p in perimeters for c in p.communes],
        )
        known = await conn.fetchval(
            f"SELECT count(*) FROM {schema}.known_territories WHERE perimeter_known AND territory_id = ANY($1)",
            [p.territory_id for p in perimeters],
        )
    finally:
        await conn.close()
    return bool(communes == sum(len(p.communes) for p in perimeters) and known == len(perimeters))


async def await_projected(
    database_url: str,
    perimeters: Sequence[KnownPerimeter] | None = None,
    schema: str = "vte",
    timeout_s: float = 300.0,
) -> None:
    """Until the vte service has applied the perimeters (their communes and the reference that says they are
    known): a contract sent after is located at once, neither held nor refused by the order of the two territory
    topics (vte README, *Known limit*). Raises TimeoutError after `timeout_s`."""
    chosen = list(perimeters or known_perimeters())
    deadline = time.monotonic() + timeout_s
    while not await projected(database_url, chosen, schema):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the {schema} service has not applied the perimeters after {timeout_s:.0f}s")
        await asyncio.sleep(0.5)


def wait_projected(
    database_url: str,
    perimeters: Sequence[KnownPerimeter] | None = None,
    schema: str = "vte",
    timeout_s: float = 300.0,
) -> None:
    """`await_projected` for callers without an event loop."""
    asyncio.run(await_projected(database_url, perimeters, schema, timeout_s))
