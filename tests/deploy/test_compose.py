"""docker-compose.yml runs the whole platform: Kafka 4 (KRaft), PostgreSQL, the init job and five services."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("territory", "actions", "funding", "vte", "reporting")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def _environment(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def _healthcheck_command(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_broker_database_and_every_service_are_defined_with_a_healthcheck(services: dict[str, Any]) -> None:
    for name in ("kafka", "postgres", *SERVICES):
        assert name in services, f"{name} is missing from docker-compose.yml"
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_each_service_runs_its_own_module_from_the_one_platform_image(services: dict[str, Any]) -> None:
    images = set()
    for name in SERVICES:
        service = services[name]
        assert service["command"] == ["python", "-m", f"tdi_{name}"]
        assert service["build"]["context"] == "."
        images.add(service["image"])
    assert len(images) == 1, f"the five services should share one image, got {images}"


def test_every_service_is_told_where_the_broker_and_database_are(services: dict[str, Any]) -> None:
    for name in SERVICES:
        env = _environment(services[name])
        assert env.get("KAFKA_BOOTSTRAP_SERVERS") == "kafka:9092", name
        assert str(env.get("DATABASE_URL", "")).startswith("postgresql://"), name
        assert "@postgres:5432/" in env["DATABASE_URL"], name
        assert str(env.get(f"TDI_{name.upper()}_HTTP_PORT")) == "8000", name
        assert env.get(f"TDI_{name.upper()}_HTTP_HOST") == "0.0.0.0", f"{name} would listen on loopback only"
        assert env.get(f"TDI_{name.upper()}_DB_SCHEMA") == name, name
        assert env.get("OTEL_SERVICE_NAME") == f"tdi-{name}", name


def test_every_service_logs_in_to_postgres_as_its_own_role(services: dict[str, Any]) -> None:
    for name in SERVICES:
        url = _environment(services[name])[f"TDI_{name.upper()}_DATABASE_URL"]
        assert url.startswith(f"postgresql://{name}:"), name
        assert url.endswith("@postgres:5432/tdi"), name


def test_every_service_waits_for_a_healthy_broker_and_database(services: dict[str, Any]) -> None:
    for name in SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["kafka"]["condition"] == "service_healthy", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name


def test_every_service_starts_only_after_the_init_job_succeeded(services: dict[str, Any]) -> None:
    for name in SERVICES:
        assert services[name]["depends_on"]["init"]["condition"] == "service_completed_successfully", name


def test_init_creates_topics_then_schemas_once_broker_and_database_are_healthy(
    services: dict[str, Any],
) -> None:
    init = services["init"]
    command = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert "python -m tdi_localstack topics --bootstrap" in command
    assert "python -m tdi_localstack dbinit --database-url" in command
    assert "--with-roles" in command, "services log in as their own roles, which init must create"
    assert command.index("topics") < command.index("dbinit")
    assert init["restart"] == "no"
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert init["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = _environment(init)
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["DATABASE_URL"].startswith("postgresql://")


def test_service_healthchecks_ask_readyz_with_python_since_the_slim_image_has_no_curl(
    services: dict[str, Any],
) -> None:
    for name in SERVICES:
        command = _healthcheck_command(services[name])
        assert "python" in command, name
        assert "urllib" in command, name
        assert "http://127.0.0.1:8000/readyz" in command, name
        assert "curl" not in command, name


def _published(mapping: str) -> tuple[str, str, str]:
    """(host address, host port, container port) of a "127.0.0.1:${VAR:-8001}:8000" mapping."""
    address, rest = mapping.split(":", 1)
    host_port, _, container_port = rest.rpartition(":")
    return address, host_port, container_port


def test_services_publish_distinct_host_ports_8001_to_8005_on_loopback_overridable_by_env(
    services: dict[str, Any],
) -> None:
    defaults = []
    for name in SERVICES:
        (mapping,) = services[name]["ports"]
        address, host_port, container_port = _published(mapping)
        assert address == "127.0.0.1", f"{name} would be published on every interface"
        assert container_port == "8000", name
        assert host_port.startswith(f"${{TDI_{name.upper()}_PORT:-"), f"{name}: the test chooses free ports"
        defaults.append(host_port.removesuffix("}").rpartition("-")[2])
    assert sorted(defaults) == ["8001", "8002", "8003", "8004", "8005"]
    every = [_published(port) for service in services.values() for port in service.get("ports", [])]
    assert all(address == "127.0.0.1" for address, _, _ in every), every
    host_ports = [host_port for _, host_port, _ in every]
    assert len(host_ports) == len(set(host_ports)), f"host ports collide: {host_ports}"


def test_kafka_is_a_single_kraft_node_of_our_kafka_image_without_zookeeper(
    services: dict[str, Any],
) -> None:
    kafka = services["kafka"]
    assert kafka["image"] == "${TDI_KAFKA_IMAGE:-localhost/tdi-kafka:local}", "the image `make images` builds"
    env = _environment(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert str(env["KAFKA_NODE_ID"]) == "1"
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    # Host clients are told the published port, whichever the caller chose.
    assert "HOST://127.0.0.1:${TDI_KAFKA_PORT:-9094}" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert kafka["ports"] == ["127.0.0.1:${TDI_KAFKA_PORT:-9094}:9094"]
    assert "-Xmx512m" in env["KAFKA_HEAP_OPTS"]
    for key in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_DEFAULT_REPLICATION_FACTOR",
    ):
        assert str(env[key]) == "1", key
    assert "zookeeper" not in services
    assert not any("ZOOKEEPER" in key for key in env)
    assert "/opt/kafka/bin/kafka-ready.py" in _healthcheck_command(kafka), "an ApiVersions probe, not a port check"


def test_postgres_is_our_debian_image_and_healthy_only_when_pg_isready_answers(services: dict[str, Any]) -> None:
    postgres = services["postgres"]
    assert postgres["image"] == "${TDI_POSTGRES_IMAGE:-localhost/tdi-postgres:local}"
    assert "pg_isready" in _healthcheck_command(postgres)


def test_broker_and_database_keep_their_data_in_named_volumes(compose: dict[str, Any]) -> None:
    volumes = compose["volumes"]
    for name, mount in (("kafka", "/var/lib/kafka/data"), ("postgres", "/var/lib/postgresql/data")):
        targets = {volume.split(":")[0]: volume.split(":")[1] for volume in compose["services"][name]["volumes"]}
        assert mount in targets.values(), name
        assert all(source in volumes for source in targets), name


def test_the_dockerfile_builds_one_non_root_image_with_uv_from_the_frozen_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile, "the base is a build argument"
    assert "ghcr.io" not in dockerfile, "no image may come from a registry but the base"
    assert 'pip install --quiet --no-cache-dir "uv==${UV_VERSION}"' in dockerfile, "uv comes from PyPI"
    assert "--mount=type=secret,id=ca" in dockerfile, "the proxy CA is a build secret, never a layer"
    assert "org.opencontainers.image.revision" in dockerfile
    assert dockerfile.count("uv sync --frozen --no-dev") == 2
    assert "USER 10001" in dockerfile
    assert "EXPOSE 8000" in dockerfile
    for name in SERVICES:
        assert f"TDI_{name.upper()}_HTTP_HOST=0.0.0.0" in dockerfile, name


def test_the_dockerfile_copies_every_workspace_members_pyproject_before_syncing() -> None:
    members = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["uv"]["workspace"]["members"]
    member_dirs = [
        path for pattern in members for path in sorted(ROOT.glob(pattern)) if (path / "pyproject.toml").is_file()
    ]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for member in member_dirs:
        relative = member.relative_to(ROOT).as_posix()
        assert f"COPY {relative}/pyproject.toml {relative}/" in dockerfile, relative


def test_the_build_context_leaves_out_virtualenvs_local_state_caches_and_git() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".venv", ".tdi", ".git", "**/__pycache__", "**/.pytest_cache", "**/.ruff_cache"):
        assert entry in ignored, entry


def test_every_long_running_container_has_a_read_only_root_and_a_restart_policy(services: dict[str, Any]) -> None:
    for name in ("kafka", "postgres", *SERVICES):
        assert services[name]["read_only"] is True, name
        assert "/tmp" in services[name]["tmpfs"], name
        assert services[name]["restart"] == "unless-stopped", name


def test_init_waits_for_the_broker_and_database_itself_since_podman_may_ignore_health_conditions(
    services: dict[str, Any],
) -> None:
    command = " ".join(services["init"]["command"])
    assert command.index("python -m tdi_localstack.containers wait") < command.index("tdi_localstack topics")


def test_each_service_takes_its_api_tokens_from_the_callers_environment(services: dict[str, Any]) -> None:
    for name in SERVICES:
        env = _environment(services[name])
        assert f"TDI_{name.upper()}_API_TOKENS" in env and env[f"TDI_{name.upper()}_API_TOKENS"] is None, name


def test_compose_is_a_local_demo_so_its_services_run_in_local_mode(services: dict[str, Any]) -> None:
    """TDI_DEPLOYMENT=local: the demo may use the development secrets (the vte pseudonym key, static tokens); a
    production deployment (k8s) never says local and must give real ones."""
    for name in SERVICES:
        assert _environment(services[name]).get("TDI_DEPLOYMENT") == "local", name
