"""The demo's registers (issue 24), through the territory service's HTTP doors with the staff token:

- 20 synthetic sites clés en main: 6 in Grand Est (within « 5 à 10 sites par région », P:580), 3 in Bretagne
  (below: flagged), 11 in Auvergne-Rhône-Alpes (above: flagged, never refused), a few with support or retained;
- 5 synthetic écoles de production, 3 of them « via le programme »;
- 3 synthetic regional chefs de projet (Grand Est, Bretagne, Auvergne-Rhône-Alpes);
- the one laureate of the AMI Rebond industriel the press kit names, Bourg-en-Bresse (P:642-644), sourced, not
  synthetic; its date is the laureates' map's (« au 9 novembre 2023 », P:662).

Every synthetic entry says so (`synthetic: true`, « (démo synthétique) » in its name); each request carries its own
Idempotency-Key, so a second run answers the first answers again and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SYNTHETIC = "(démo synthétique)"
SITE_COMMUNES = {  # real communes (COG 2026), invented sites
    "44": ("51454", "51108", "08105", "10387", "57463", "67482"),
    "53": ("35238", "29019", "56260"),
    "84": ("69123", "38185", "42218", "01053", "63113", "73065", "74010", "26362", "03185", "15014", "43157"),
}
MATURITIES = ("friche-a-rehabiliter", "zone-activites", "a-reconvertir", "deja-cle-en-main")
CRITERIA = (
    "maitrise-fonciere",
    "attractivite-economique",
    "artificialisation-limitee",
    "raccordement-reseaux",
    "ecosysteme-differenciant",
    "collectivites-mobilisees",
)
ECOLES = (("51454", True), ("57463", True), ("35238", False), ("69123", True), ("38185", False))
REGIONAL_POSTS = (("44", "prefecture"), ("53", "conseil-regional"), ("84", "prefecture"))
BOURG_EN_BRESSE = "tdi-84-bassin-de-bourg-en-bresse"

Request = tuple[str, dict[str, Any], str]
"""(path, body, Idempotency-Key) of one command of the territory service."""


def demo_requests() -> list[Request]:
    requests: list[Request] = []
    for region, communes in SITE_COMMUNES.items():
        for n, commune in enumerate(communes):
            body = {
                "name": f"Site {n + 1} de la région {region} {SYNTHETIC}",
                "commune_insee": commune,
                "criteria": list(CRITERIA[: (n % len(CRITERIA)) + 1]),  # « pas nécessairement cumulatifs »
                "maturity": MATURITIES[n % len(MATURITIES)],
                "proposed_on": "2023-12-01" if n < 3 else "2024-04-01",
                "synthetic": True,
            }
            requests.append(("/sites", body, f"demo-v1-site-{region}-{n}"))
    for n, (commune, via) in enumerate(ECOLES):
        body = {
            "name": f"École de production {n + 1} {SYNTHETIC}",
            "commune_insee": commune,
            "opened_on": f"{2021 + n % 3}-09-01",
            "via_programme": via,
            "synthetic": True,
        }
        requests.append(("/ecoles-de-production", body, f"demo-v1-ecole-{n}"))
    for region, employer in REGIONAL_POSTS:
        body = {"employer": employer, "appointed_on": "2024-03-01", "synthetic": True}
        requests.append((f"/regions/{region}/chefs-de-projet-regionaux", body, f"demo-v1-regional-post-{region}"))
    laureate = {
        "laureate_since": "2023-11-09",
        "source": "Dossier de presse du 9 novembre 2023, l. 644 (carte des lauréats au 9 novembre 2023, l. 662)",
        "synthetic": False,
    }
    requests.append((f"/territories/{BOURG_EN_BRESSE}/rebond-industriel", laureate, "demo-v1-rebond-bourg"))
    return requests


def site_followups(site_ids: dict[str, str]) -> list[Request]:
    """Support and selection of a few demo sites (by Idempotency-Key of their proposal)."""
    requests: list[Request] = []
    for key in ("demo-v1-site-44-0", "demo-v1-site-84-2"):
        if key in site_ids:
            site = site_ids[key]
            support = {"support": "ingenierie", "recorded_on": "2024-02-01"}
            requests.append((f"/sites/{site}/support", support, f"{key}-support"))
            requests.append((f"/sites/{site}/select", {"selected_on": "2024-02-15"}, f"{key}-select"))
    return requests


def record_registers(post: Callable[[str, str, Any, str], tuple[int, Any]]) -> dict[str, int]:
    """Send every request (`post(service, path, body, key)`); the tally of answers by status (and code)."""
    statuses: dict[str, int] = {}
    site_ids: dict[str, str] = {}

    def send(path: str, body: dict[str, Any], key: str) -> None:
        status, answer = post("territory", path, body, key)
        outcome = str(status) if status < 300 else f"{status} {(answer or {}).get('code')}"
        statuses[outcome] = statuses.get(outcome, 0) + 1
        if path == "/sites" and status < 300:
            site_ids[key] = answer["site_id"]

    for request in demo_requests():
        send(*request)
    for request in site_followups(site_ids):
        send(*request)
    return statuses


def registers_line(answers: dict[str, int]) -> str:
    recorded = sum(v for k, v in answers.items() if k.startswith("2"))
    refused = {k: v for k, v in answers.items() if not k.startswith("2")}
    line = (
        f"registers: {recorded:,} entries recorded (sites clés en main, écoles de production, regional chefs de"
        " projet, Rebond laureate)"
    )
    if refused:
        total = sum(refused.values())
        line += f", {total:,} refused ({', '.join(f'{k}: {v:,}' for k, v in sorted(refused.items()))})"
    return line
