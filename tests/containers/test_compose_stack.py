"""The platform in containers, for real: `make images`, docker-compose.yml under podman-compose, testcontainers.

Builds the four images (cached), starts the compose stack under a project name of its own on free 127.0.0.1
ports, waits for every service, sends Bpifrance a VTE contract through the published Kafka port and reads the
aid through the vte API, stops the vte container while another contract is sent and sees it applied once it is
back, then stops everything and checks no container, network or volume is left. Last, the
`TDI_STACK=testcontainers` path of the local stack runs against `podman system service` with the same images.

podman before 4.6 ignores `depends_on: condition: service_healthy` and trips over podman-compose's
`--requires` chains, so the stack starts in the two phases deploy/docker/README.md gives (broker, database and
init; then the services); healthchecks run through `podman healthcheck run` (no systemd timers here).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stack_tools import (
    ROOT,
    SERVICES,
    VTE_TOKEN,
    contract_url,
    http_json,
    http_status,
    images_builder,
    know_territory,
    publish_as_bpifrance,
    run,
    skip_reason,
    vte_contract,
    wait_for,
)

from tdi_localstack.ports import free_port

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(1500),
    pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
]
PHASE_ONE = ("kafka", "postgres", "init")
GRANTED_BASE_CENTS = 400_000  # the programme's 4,000 EUR base aid


@pytest.fixture(scope="module")
def images() -> Any:
    """Every image of `make images` (the base is cached between runs, the others use podman's layer cache)."""
    builder = images_builder()
    started = time.monotonic()
    assert builder.main([]) == 0
    print(f"\nmake images: {time.monotonic() - started:.0f} s")
    for name in (builder.base_image(), builder.PLATFORM, builder.KAFKA, builder.POSTGRES):
        print(f"  {name}: {builder.image_size(name) / 1e6:.0f} MB")
    return builder


class ComposeStack:
    """One podman-compose project on free loopback ports."""

    def __init__(self, builder: Any) -> None:
        self.builder = builder
        self.project = f"tdict{uuid.uuid4().hex[:8]}"
        self.ports = {name: free_port() for name in ("kafka", "postgres", *SERVICES)}
        self.env = builder.podman_env() | {f"TDI_{name.upper()}_PORT": str(port) for name, port in self.ports.items()}
        self.env["TDI_VTE_API_TOKENS"] = f'{{"{VTE_TOKEN}": "instructor:vte"}}'
        self.compose = [*builder.podman_compose(), "-p", self.project, "-f", str(ROOT / "docker-compose.yml")]

    def up(self, *services: str) -> None:
        run([*self.compose, "up", "-d", "--no-build", "--no-deps", *services], self.env)

    def down(self) -> None:
        run([*self.compose, "down", "-v", "-t", "30"], self.env, check=False)

    def podman(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(["podman", *args], self.env, check=check)

    def container(self, service: str) -> str:
        return f"{self.project}_{service}_1"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.ports['kafka']}"

    @property
    def admin_database_url(self) -> str:
        return f"postgresql://tdi:tdi@127.0.0.1:{self.ports['postgres']}/tdi"

    def leftovers(self) -> dict[str, list[str]]:
        """Containers, networks and volumes of this project still on the machine."""
        found = {}
        for kind in ("ps -a", "network ls", "volume ls"):
            names = self.podman(*kind.split(), "--format", "{{.Names}}" if kind == "ps -a" else "{{.Name}}").stdout
            found[kind] = [name for name in names.split() if name.startswith(self.project)]
        return found

    def ready(self, service: str) -> bool:
        return http_status(f"{self.url(service)}/readyz") == 200


@pytest.fixture(scope="module")
def stack(images: Any) -> Iterator[ComposeStack]:
    compose = ComposeStack(images)
    started = time.monotonic()
    try:
        compose.up(*PHASE_ONE)
        init = compose.podman("wait", compose.container("init")).stdout.strip()
        assert init == "0", compose.podman("logs", compose.container("init"), check=False).stderr[-3000:]
        compose.up(*SERVICES)
        for service in SERVICES:
            wait_for(f"{service} /readyz", lambda s=service: compose.ready(s), timeout=600)
        print(f"\ncompose stack ready in {time.monotonic() - started:.0f} s")
        yield compose
    finally:
        compose.down()


def test_every_service_of_the_compose_stack_is_ready_healthy_non_root_on_a_read_only_root(
    stack: ComposeStack,
) -> None:
    assert stack.podman("inspect", "--format", "{{.State.ExitCode}}", stack.container("init")).stdout.strip() == "0"
    for service in ("kafka", "postgres", *SERVICES):
        name = stack.container(service)
        healthy = lambda n=name: stack.podman("healthcheck", "run", n, check=False).returncode == 0  # noqa: E731
        wait_for(f"{service}'s healthcheck", healthy, timeout=300)
        config = stack.podman(
            "inspect",
            "--format",
            "{{.Config.User}}|{{.HostConfig.ReadonlyRootfs}}|{{.HostConfig.RestartPolicy.Name}}",
            name,
        ).stdout.strip()
        user, read_only, restart = config.split("|")
        assert user and not user.startswith(("0", "root")), f"{service} runs as {user!r}"
        assert read_only == "true", f"{service} can write its root filesystem"
        assert restart == "unless-stopped", service
        assert stack.podman("exec", name, "id", "-u").stdout.strip() != "0", service
    for service in ("kafka", "postgres", *SERVICES):
        published = stack.podman("port", stack.container(service)).stdout
        assert published and all("127.0.0.1:" in line for line in published.splitlines()), published
    assert http_status(f"{stack.url('reporting')}/tableau-de-bord") == 200


def test_a_bpifrance_vte_contract_sent_to_the_published_broker_is_granted_and_shown_by_the_api(
    stack: ComposeStack,
) -> None:
    territory_id, commune = asyncio.run(know_territory(stack.admin_database_url, "vte"))
    reference = f"CT-VTE-{uuid.uuid4().hex[:8]}"
    asyncio.run(publish_as_bpifrance(stack.bootstrap, [vte_contract(reference, territory_id, commune)]))
    url = contract_url(stack.url("vte"), reference)
    wait_for("the contract in the vte API", lambda: http_status(url, VTE_TOKEN) == 200, timeout=180)
    decision = http_json(url, VTE_TOKEN)
    assert decision["decision"] == "granted", decision
    assert decision["base_cents"] == GRANTED_BASE_CENTS
    totals = http_json(f"{stack.url('vte')}/vte/aids/totals?territory_id={territory_id}", VTE_TOKEN)
    assert totals["granted"] == 1 and totals["base_cents"] == GRANTED_BASE_CENTS


def test_a_contract_sent_while_the_vte_container_is_stopped_is_applied_once_it_is_back(stack: ComposeStack) -> None:
    territory_id, commune = asyncio.run(know_territory(stack.admin_database_url, "vte"))
    before, during = f"CT-VTE-{uuid.uuid4().hex[:8]}", f"CT-VTE-{uuid.uuid4().hex[:8]}"
    asyncio.run(publish_as_bpifrance(stack.bootstrap, [vte_contract(before, territory_id, commune)]))
    wait_for("the first contract", lambda: http_status(contract_url(stack.url("vte"), before), VTE_TOKEN) == 200, 180)

    stack.podman("stop", "-t", "30", stack.container("vte"))
    assert not stack.ready("vte")
    asyncio.run(publish_as_bpifrance(stack.bootstrap, [vte_contract(during, territory_id, commune)]))
    stack.podman("start", stack.container("vte"))

    wait_for("vte ready again", lambda: stack.ready("vte"), timeout=300)
    url = contract_url(stack.url("vte"), during)
    wait_for("the contract sent while vte was down", lambda: http_status(url, VTE_TOKEN) == 200, timeout=180)
    assert http_json(url, VTE_TOKEN)["decision"] == "granted"
    totals = http_json(f"{stack.url('vte')}/vte/aids/totals?territory_id={territory_id}", VTE_TOKEN)
    assert totals["granted"] == 2, f"a contract was lost or doubled across the restart: {totals}"


def test_stopping_the_stack_leaves_no_container_network_or_volume(stack: ComposeStack) -> None:
    assert any(stack.leftovers().values()), "the stack should be running before it is stopped"
    stack.down()
    assert stack.leftovers() == {"ps -a": [], "network ls": [], "volume ls": []}


@pytest.fixture
def podman_service(images: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`podman system service` on a socket of our own, with testcontainers pointed at it (recipe's settings)."""
    folder = Path(tempfile.mkdtemp(prefix="tdi-podman-"))
    socket = folder / "podman.sock"
    env = images.podman_env()
    with (folder / "service.log").open("wb") as log:
        service = subprocess.Popen(
            ["podman", "system", "service", "--time=0", f"unix://{socket}"], env=env, stdout=log, stderr=log
        )
    try:
        wait_for("the podman API socket", socket.exists, timeout=60, every=0.2)
        monkeypatch.setenv("CONTAINERS_CONF", env["CONTAINERS_CONF"])
        monkeypatch.setenv("DOCKER_HOST", f"unix://{socket}")
        monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
        monkeypatch.setenv("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
        monkeypatch.setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
        yield str(socket)
    finally:
        service.terminate()
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_testcontainers_stack_runs_kafka_and_postgres_from_our_images_and_a_service_round_trips(
    podman_service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tdi_localstack.stack import LocalStack

    for key in list(os.environ):
        if key in ("KAFKA_BOOTSTRAP_SERVERS", "TDI_KAFKA_SECURE") or key.endswith("DATABASE_URL"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("TDI_STACK", "testcontainers")
    before = set(_container_ids())
    with LocalStack() as local:
        started = set(_container_ids()) - before
        images = {_image_of(container) for container in started}
        assert images == {"localhost/tdi-kafka:local", "localhost/tdi-postgres:local"}, images
        for key, value in local.env().items():
            monkeypatch.setenv(key, value)
        decision = asyncio.run(_vte_round_trip(local))
        assert decision["decision"] == "granted", decision
    assert not set(_container_ids()) & started, "testcontainers left a container behind"


def _container_ids() -> list[str]:
    """Containers testcontainers made (it labels them), whatever else runs on the machine."""
    command = ["podman", "ps", "-aq", "--filter", "label=org.testcontainers=true"]
    return subprocess.run(command, check=True, text=True, capture_output=True).stdout.split()


def _image_of(container: str) -> str:
    command = ["podman", "inspect", "--format", "{{.ImageName}}", container]
    return subprocess.run(command, check=True, text=True, capture_output=True).stdout.strip()


async def _vte_round_trip(local: Any) -> dict[str, Any]:
    """The vte service in-process on the containers: a Bpifrance contract in, its decision out of the API."""
    import httpx

    from tdi_runtime.settings import ServiceSettings
    from tdi_vte.app import create_app

    settings = ServiceSettings.for_service("vte", api_tokens={VTE_TOKEN: "instructor:vte"})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        territory_id, commune = await know_territory(local.database_url, "vte")
        reference = f"TC-VTE-{uuid.uuid4().hex[:8]}"
        await publish_as_bpifrance(local.bootstrap_servers, [vte_contract(reference, territory_id, commune)])
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            url = contract_url("", reference)
            deadline = time.monotonic() + 120
            while (
                response := await client.get(url, headers={"Authorization": f"Bearer {VTE_TOKEN}"})
            ).status_code != 200:
                assert time.monotonic() < deadline, response.text
                await asyncio.sleep(0.5)
            return dict(response.json())
