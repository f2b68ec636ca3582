"""Helpers of the container test: the images builder, podman and podman-compose, readiness and VTE commands."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("territory", "actions", "funding", "vte", "reporting")
VTE_TOKEN = f"ct-vte-instructor-{uuid.uuid4().hex}"
"""A `vte` instructor: it reads contracts one by one (a `reader` gets counts only, issue 22 #13)."""
DEPARTEMENT = "51"


def images_builder() -> ModuleType:
    """deploy/images/build.py, the `make images` script (a file, not a package)."""
    spec = importlib.util.spec_from_file_location("tdi_images_build", ROOT / "deploy" / "images" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def skip_reason() -> str | None:
    """Why the container test cannot run here, or None: it installs podman itself when root on Debian."""
    if os.environ.get("TDI_SKIP_CONTAINER_TESTS", "").lower() in ("1", "true", "yes"):
        return "TDI_SKIP_CONTAINER_TESTS is set"
    if shutil.which("podman"):
        return None
    if os.geteuid() == 0 and shutil.which("apt-get"):
        return None
    return "podman is not installed and this user cannot install it (not root on Debian)"


def run(command: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=check, text=True, capture_output=True, env=env)


def wait_for(what: str, probe: Callable[[], bool], timeout: float, every: float = 2.0) -> None:
    """Polls `probe` until it is true; a failure (with `what`) once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, f"{what}: still not true after {timeout:.0f}s"
        time.sleep(every)


def http_status(url: str, token: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def http_json(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def vte_contract(reference: str, territory_id: str, commune: str) -> Any:
    """Bpifrance's RecordVteContract.v2 of an eligible young graduate in a known commune (aid granted)."""
    from tdi_contracts.events.vte import RecordVteContractV2

    return RecordVteContractV2.model_validate(
        {
            "contract_reference": reference,
            "establishment": {"siret": "73282932000074", "siren": "732829320", "size": "pme", "commune_insee": commune},
            "territory_id": territory_id,
            "candidate": {
                "candidate_reference": f"CAND-{reference}",
                "status": "jeune-diplome",
                "study_level": "bac+5",
                "graduated_in": "2024-06",
            },
            "contract_type": "cdd",
            "duration_months": 12,
            "starts_on": "2024-09-02",
            "signed_on": "2024-07-10",
            "aid_requested_on": "2024-09-20",
        },
        strict=False,
    )


async def publish_as_bpifrance(bootstrap: str, payloads: list[Any]) -> None:
    """Bpifrance's client: CloudEvents records on its VTE ingress topic, by a plain aiokafka producer."""
    from aiokafka import AIOKafkaProducer

    from tdi_contracts.envelope import Envelope, encode_event, spec_for
    from tdi_contracts.topics import partner_ingress_topic

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for payload in payloads:
            spec = spec_for(payload)
            key, value, headers = encode_event(Envelope.new(spec.type, spec.subject_of(payload), "bpifrance"), payload)
            await producer.send_and_wait(
                partner_ingress_topic("bpifrance", "vte"), value=value, key=key, headers=list(headers)
            )
    finally:
        await producer.stop()


async def know_territory(database_url: str, schema: str) -> tuple[str, str]:
    """(territory id, commune) made known to the vte service's territory projection, as its events would: a
    territory of its own with a known perimeter (issue 24) holding one real commune of the CU du Grand Reims (the
    EPCI `tdi_localstack.perimeters` joins to Grand Reims), taken from an earlier test's territory if need be."""
    import asyncpg

    from tdi_localstack.perimeters import known_perimeters

    reims = next(p for p in known_perimeters() if p.territory_id == "tdi-44-grand-reims")
    territory_id = f"tdi-44-ct-{uuid.uuid4().hex[:6]}"  # Grand Est (44), which holds the Marne (51)
    commune = reims.commune(uuid.uuid4().int)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            f"INSERT INTO {schema}.known_territories (territory_id, official_id, name, labelled, regions,"
            " departements, epci_sirens, active_binomes, chefs_de_projet, revision, as_of, perimeter_known)"
            " VALUES ($1, NULL, 'Territoire du test conteneurs', true, '{44}', $2, $3, 1, '{}', 1, $4, true)",
            territory_id,
            [DEPARTEMENT],
            [reims.siren],
            datetime.now(UTC),
        )
        await conn.execute(
            f"INSERT INTO {schema}.known_communes (insee, territory_id, epci_siren, departement, assigned_on)"
            " VALUES ($1, $2, $3, $4, current_date)"
            " ON CONFLICT (insee) DO UPDATE SET territory_id = EXCLUDED.territory_id",
            commune,
            territory_id,
            reims.siren,
            DEPARTEMENT,
        )
    finally:
        await conn.close()
    return territory_id, commune


def contract_url(base: str, reference: str) -> str:
    from tdi_vte.domain import contract_id_of

    return f"{base}/vte/contracts/{contract_id_of(reference)}"
