"""deploy/k8s is a complete kustomize base: Strimzi Kafka, CloudNativePG, init Job, five probed services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
SERVICES = ("territory", "actions", "funding", "vte", "reporting")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


@pytest.fixture(scope="module")
def kustomization() -> dict[str, Any]:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resources(kustomization: dict[str, Any]) -> list[dict[str, Any]]:
    return [doc for name in kustomization["resources"] for doc in _documents(K8S / name)]


def _of_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in resources if doc["kind"] == kind}


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def test_kustomization_lists_every_manifest_file_present(kustomization: dict[str, Any]) -> None:
    present = {
        path.relative_to(K8S).as_posix()
        for pattern in ("*.yaml", "*.yml")
        for path in K8S.rglob(pattern)
        if path.name not in ("kustomization.yaml", "kustomization.yml")
    }
    listed = set(kustomization["resources"])
    assert listed == present, f"not listed: {present - listed}; listed but absent: {listed - present}"


def test_every_service_has_a_deployment_and_a_service_on_port_8000(resources: list[dict[str, Any]]) -> None:
    deployments = _of_kind(resources, "Deployment")
    services = _of_kind(resources, "Service")
    for name in SERVICES:
        deployment = deployments[f"tdi-{name}"]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == ["python", "-m", f"tdi_{name}"]
        assert {"name": "http", "containerPort": 8000} in container["ports"]
        service = services[f"tdi-{name}"]
        assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
        assert service["spec"]["ports"][0]["port"] == 8000


def test_each_deployment_is_ready_on_readyz_and_alive_on_healthz(resources: list[dict[str, Any]]) -> None:
    for name, deployment in _of_kind(resources, "Deployment").items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        assert container["readinessProbe"]["httpGet"]["port"] in ("http", 8000), name
        assert container["livenessProbe"]["httpGet"]["port"] in ("http", 8000), name


def test_each_deployment_requests_and_limits_cpu_and_memory(resources: list[dict[str, Any]]) -> None:
    for name, deployment in _of_kind(resources, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            resources_ = container["resources"]
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources_[bound]), f"{name}: {bound}"


def test_each_deployment_runs_as_a_non_root_user_with_a_read_only_root(
    resources: list[dict[str, Any]],
) -> None:
    for name, deployment in _of_kind(resources, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name


def test_each_service_reads_settings_from_the_configmap_and_credentials_from_its_own_secret(
    resources: list[dict[str, Any]],
) -> None:
    settings = _of_kind(resources, "ConfigMap")["tdi-settings"]["data"]
    assert settings["KAFKA_BOOTSTRAP_SERVERS"] == "tdi-kafka-bootstrap:9092"
    for name in SERVICES:
        container = _of_kind(resources, "Deployment")[f"tdi-{name}"]["spec"]["template"]["spec"]["containers"][0]
        assert {"configMapRef": {"name": "tdi-settings"}} in container["envFrom"]
        env = _env(container)
        for key in ("DB_USER", "DB_PASSWORD"):
            assert env[key]["valueFrom"]["secretKeyRef"]["name"] == f"tdi-db-{name}", name
        assert env["DATABASE_URL"]["value"].startswith("postgresql://$(DB_USER):$(DB_PASSWORD)@"), name
        assert env[f"TDI_{name.upper()}_DB_SCHEMA"]["value"] == name
        assert env[f"TDI_{name.upper()}_HTTP_PORT"]["value"] == "8000"
        assert env[f"TDI_{name.upper()}_HTTP_HOST"]["value"] == "0.0.0.0", f"{name} would not answer probes"
        assert env["OTEL_SERVICE_NAME"]["value"] == f"tdi-{name}"


def test_every_service_keeps_one_pod_through_voluntary_disruptions(resources: list[dict[str, Any]]) -> None:
    budgets = _of_kind(resources, "PodDisruptionBudget")
    deployments = _of_kind(resources, "Deployment")
    for name in SERVICES:
        budget = budgets[f"tdi-{name}"]
        assert budget["spec"]["minAvailable"] == 1
        assert budget["spec"]["selector"] == deployments[f"tdi-{name}"]["spec"]["selector"]
        assert deployments[f"tdi-{name}"]["spec"]["replicas"] > budget["spec"]["minAvailable"]


def test_kafka_is_a_three_node_kraft_cluster_that_acknowledges_writes_on_two_replicas(
    resources: list[dict[str, Any]],
) -> None:
    kafka = _of_kind(resources, "Kafka")["tdi"]
    assert kafka["spec"]["kafka"]["version"].startswith("4.")
    assert "zookeeper" not in kafka["spec"]
    config = kafka["spec"]["kafka"]["config"]
    assert config["min.insync.replicas"] == 2
    assert config["default.replication.factor"] == 3
    assert config["offsets.topic.replication.factor"] == 3
    pools = _of_kind(resources, "KafkaNodePool")
    assert sum(pool["spec"]["replicas"] for pool in pools.values()) == 3
    roles = {role for pool in pools.values() for role in pool["spec"]["roles"]}
    assert roles == {"controller", "broker"}
    assert all(pool["metadata"]["labels"]["strimzi.io/cluster"] == "tdi" for pool in pools.values())


def test_postgres_is_a_three_instance_cloudnativepg_cluster_with_a_role_per_service(
    resources: list[dict[str, Any]],
) -> None:
    cluster = _of_kind(resources, "Cluster")["tdi-pg"]
    assert cluster["apiVersion"].startswith("postgresql.cnpg.io/")
    assert cluster["spec"]["instances"] == 3
    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    assert set(roles) == set(SERVICES)
    for name, role in roles.items():
        assert role["login"] is True
        assert role["passwordSecret"]["name"] == f"tdi-db-{name}"


def test_the_init_job_creates_topics_then_schemas_with_the_same_image(
    resources: list[dict[str, Any]],
) -> None:
    job = _of_kind(resources, "Job")["tdi-init"]
    pod = job["spec"]["template"]["spec"]
    topics, roles_ready = pod["initContainers"]
    dbinit = pod["containers"][0]
    assert topics["command"][:6] == [
        "python",
        "-m",
        "tdi_localstack",
        "topics",
        "--bootstrap",
        "$(KAFKA_BOOTSTRAP_SERVERS)",
    ]
    assert dbinit["command"] == [
        "python",
        "-m",
        "tdi_localstack",
        "dbinit",
        "--database-url",
        "$(DATABASE_URL)",
        "--with-roles",
    ]
    assert topics["command"][6:] == ["--replication-factor", "$(TDI_TOPIC_REPLICATION_FACTOR)"]
    for container in (roles_ready, dbinit):
        assert _env(container)["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "tdi-pg-superuser"
    for container in (topics, roles_ready, dbinit):
        assert container["image"] == "tdi-platform"
        assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    assert pod["restartPolicy"] in ("OnFailure", "Never")


def test_init_waits_for_the_operator_made_roles_before_giving_them_schemas(
    resources: list[dict[str, Any]],
) -> None:
    roles_ready = _of_kind(resources, "Job")["tdi-init"]["spec"]["template"]["spec"]["initContainers"][1]
    script = roles_ready["command"][2]
    compile(script, "roles-ready", "exec")
    for name in SERVICES:
        assert f'"{name}"' in script, name


def test_topics_are_replicated_across_the_three_brokers(resources: list[dict[str, Any]]) -> None:
    settings = _of_kind(resources, "ConfigMap")["tdi-settings"]["data"]
    assert settings["TDI_TOPIC_REPLICATION_FACTOR"] == "3"


def test_every_container_uses_the_image_that_kustomize_retags(
    kustomization: dict[str, Any], resources: list[dict[str, Any]]
) -> None:
    retagged = {image["name"] for image in kustomization["images"]}
    for doc in resources:
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            assert container["image"] in retagged, doc["metadata"]["name"]
