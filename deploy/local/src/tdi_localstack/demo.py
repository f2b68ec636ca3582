"""`make demo`: feeds the running platform with synthetic data through its real doors only.

HTTP commands (with the staff token and an Idempotency-Key, so running the demo twice changes nothing) and
the partners' ingress topics (with the partner SDK, whose event ids are derived from the content, so a
re-run is answered as a duplicate). Never a database write. Every record it makes is labelled synthetic.

The figures reproduced come from the source documents (`shared/domain.md`): Marne's 14 binômes, the 2,150
fiches actions and their category counts, the Fonds vert regional envelopes with applications and
decisions, 300 VTE contracts, some of them green.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
SIZES = ("pme", "eti", "pme", "micro")


@dataclass
class Platform:
    """Where the services answer (`.tdi/services.json` of `make run`), and the staff token."""

    urls: dict[str, str]
    token: str
    bootstrap_servers: str

    @classmethod
    def from_folder(cls, folder: Path) -> Platform:
        urls = json.loads((folder / "services.json").read_text(encoding="utf-8"))
        env = dict(
            line.split("=", 1)
            for line in (folder / "stack.env").read_text(encoding="utf-8").splitlines()
            if "=" in line
        )
        token = (folder / "staff-token").read_text(encoding="utf-8").strip()
        return cls(urls, token, env["KAFKA_BOOTSTRAP_SERVERS"])

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

    def get(self, service: str, path: str) -> Any:
        request = urllib.request.Request(  # noqa: S310
            self.urls[service] + path, headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return json.loads(answer.read())


def marne_binomes(platform: Platform) -> dict[str, int]:
    """Marne's 14 binômes élu–industriel, through the territory service's command."""
    statuses: dict[str, int] = {}
    for territory, count in MARNE_BINOMES.items():
        for n in range(count):
            body = {
                "elected_mandate": MANDATES[n % len(MANDATES)],
                "industrial_company": f"Entreprise industrielle {n + 1} {SYNTHETIC}",
                "industrial_company_size": SIZES[n % len(SIZES)],
                "industrial_sector": f"industrie {SYNTHETIC}",
                "appointed_on": "2024-01-15",
            }
            status, _ = platform.post(
                "territory", f"/territories/{territory}/binomes", body, f"demo-binome-{territory}-{n}"
            )
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    return statuses


STEPS: list[tuple[str, Callable[[Platform], dict[str, int]]]] = [
    ("binômes de la Marne", marne_binomes),
]
"""The demo's steps, in order: each returns how many of its requests got which answer."""


def run_demo(folder: Path, say: Callable[[str], None] = print) -> dict[str, dict[str, int]]:
    """Every step against the platform described in `folder` (the `.tdi` of `make run`)."""
    platform = Platform.from_folder(folder)
    report = {}
    for name, step in STEPS:
        report[name] = step(platform)
        say(f"démo : {name} → {report[name]}")
    return report
