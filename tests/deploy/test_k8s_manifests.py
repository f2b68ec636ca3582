"""deploy/k8s renders, validates and agrees with the code, offline.

- Every overlay renders with kustomize (`kustomize`, else `kubectl kustomize`, else built once with Go).
- Core kinds pass the Kubernetes JSON schemas of the `kubernetes-validate` package (strict: unknown fields fail).
- Strimzi and CloudNativePG resources pass their CRDs' openAPIV3Schema, vendored in deploy/k8s/schemas.
- Cross-checks: the generated files equal their rendering from the contracts; every topic the code uses is a
  KafkaTopic and each principal has the ACLs its code needs; every setting a service reads without a safe
  default is set in its Deployment.
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
import json
import os
import pkgutil
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import SecretStr
from pydantic_settings import BaseSettings

from tdi_contracts.base import SPECS
from tdi_contracts.permissions import PARTNER_COMMANDS
from tdi_contracts.reference.partners import Partner
from tdi_contracts.topics import (
    ALL_TOPICS,
    BROKER_DISK_BUDGET_BYTES,
    SERVICES,
    bounded_bytes,
    consumer_group,
    dlq_topic,
    partner_feedback_topic,
    partner_ingress_topic,
)
from tdi_runtime.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = K8S / "schemas"
OVERLAYS = ("dev", "prod")
KUBERNETES_VERSION = "1.33.0"
"""The oldest Kubernetes minor the manifests target (autoscaling/v2, policy/v1, restricted pod security)."""
KUSTOMIZE_MODULE = "sigs.k8s.io/kustomize/kustomize/v5@v5.5.0"
CUSTOM_GROUPS = ("kafka.strimzi.io", "postgresql.cnpg.io")
CONSUMERS = ("actions", "funding", "vte", "reporting")


# --------------------------------------------------------------------------------------------------- rendering
def _kustomize() -> list[str]:
    if configured := os.environ.get("TDI_KUSTOMIZE"):
        return [configured, "build"]
    if found := shutil.which("kustomize"):
        return [found, "build"]
    if kubectl := shutil.which("kubectl"):
        return [kubectl, "kustomize"]
    cache_dir = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tdi" / "bin"
    built = cache_dir / "kustomize"
    if not built.exists():
        go = shutil.which("go")
        if go is None:
            pytest.fail("no kustomize: install kustomize or kubectl, or Go to build it (README.md)")
        subprocess.run([go, "install", KUSTOMIZE_MODULE], env={**os.environ, "GOBIN": str(cache_dir)}, check=True)
    return [str(built), "build"]


@cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    done = subprocess.run(
        [*_kustomize(), str(K8S / "overlays" / overlay)], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, f"overlay {overlay} does not render: {done.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def _of_kind(docs: tuple[dict[str, Any], ...], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def _container(docs: tuple[dict[str, Any], ...], service: str) -> dict[str, Any]:
    deployment = _of_kind(docs, "Deployment")[f"tdi-{service}"]
    return dict(deployment["spec"]["template"]["spec"]["containers"][0])


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_renders_into_one_namespace(overlay: str) -> None:
    docs = rendered(overlay)
    assert {doc["metadata"].get("namespace") for doc in docs if doc["kind"] != "Namespace"} == {"tdi"}
    kinds = {doc["kind"] for doc in docs}
    assert {"Deployment", "Kafka", "KafkaTopic", "KafkaUser", "Cluster", "NetworkPolicy"} <= kinds


def test_the_base_lists_every_manifest_file_it_holds() -> None:
    base = K8S / "base"
    listed = set(yaml.safe_load((base / "kustomization.yaml").read_text(encoding="utf-8"))["resources"])
    present = {p.relative_to(base).as_posix() for p in base.rglob("*.yaml") if p.name != "kustomization.yaml"}
    assert listed == present, f"not listed: {present - listed}; listed but absent: {listed - present}"


def test_the_generated_manifests_equal_their_rendering_from_the_contracts() -> None:
    generate = _generator()
    for name, text in generate.render().items():
        committed = (K8S / "base" / "generated" / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run `make generate` and commit deploy/k8s/base/generated/"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("tdi_k8s_generate", K8S / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -------------------------------------------------------------------------------------------------- schemas
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_core_kinds_pass_the_kubernetes_schemas_strictly(overlay: str) -> None:
    core = [doc for doc in rendered(overlay) if doc["apiVersion"].split("/")[0] not in CUSTOM_GROUPS]
    assert len(core) > 20
    for doc in core:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_a_misspelt_field_of_a_core_kind_is_refused() -> None:
    deployment = json.loads(json.dumps(_of_kind(rendered("prod"), "Deployment")["tdi-funding"]))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def _strict(schema: Any) -> Any:
    """The CRD's structural schema as JSON Schema: int-or-string and nullable spelt out, and unknown fields
    refused wherever the CRD lists the fields (the API server would silently prune them: a typo would be lost)."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _strict(value) for key, value in schema.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    preserve = out.get("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out


@cache
def crd_validator(api_version: str, kind: str) -> Draft202012Validator:
    group, version = api_version.split("/")
    path = SCHEMAS / f"{group}_{version}_{kind.lower()}.json"
    assert path.exists(), f"no vendored schema for {api_version} {kind}"
    schema = _strict(json.loads(path.read_text(encoding="utf-8")))
    schema["properties"]["metadata"] = {"type": "object"}
    return Draft202012Validator(schema)


def _crd_errors(doc: dict[str, Any]) -> list[str]:
    validator = crd_validator(doc["apiVersion"], doc["kind"])
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_strimzi_and_cloudnativepg_resources_pass_their_crd_schemas(overlay: str) -> None:
    custom = [doc for doc in rendered(overlay) if doc["apiVersion"].split("/")[0] in CUSTOM_GROUPS]
    assert {doc["kind"] for doc in custom} >= {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster"}
    for doc in custom:
        assert _crd_errors(doc) == [], f"{doc['kind']} {doc['metadata']['name']}"


def test_a_misspelt_or_mistyped_field_of_a_custom_resource_is_refused() -> None:
    docs = rendered("prod")
    kafka = json.loads(json.dumps(_of_kind(docs, "Kafka")["tdi"]))
    kafka["spec"]["kafka"]["listeners"][0]["authentification"] = {"type": "scram-sha-512"}
    assert any("authentification" in error for error in _crd_errors(kafka))
    user = json.loads(json.dumps(_of_kind(docs, "KafkaUser")["svc-funding"]))
    user["spec"]["authorization"]["acls"][0]["operations"] = ["Publish"]
    assert any("Publish" in error for error in _crd_errors(user))
    cluster = json.loads(json.dumps(_of_kind(docs, "Cluster")["tdi-pg"]))
    cluster["spec"]["instances"] = "three"
    assert _crd_errors(cluster)


def test_the_vendored_crd_schemas_name_their_version_and_licence() -> None:
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    for needle in ("Strimzi 1.2.0", "CloudNativePG 1.30.0", "Apache License 2.0"):
        assert needle in readme
    for licence in ("LICENSE-strimzi.txt", "LICENSE-cloudnative-pg.txt"):
        assert "Apache License" in (SCHEMAS / licence).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------- the platform
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_is_probed_on_the_kits_health_routes_and_bounded_in_resources(overlay: str) -> None:
    from tdi_runtime.http import health_router

    paths = {route.path for route in health_router().routes}  # type: ignore[attr-defined]
    docs = rendered(overlay)
    for service in SERVICES:
        container = _container(docs, service)
        assert container["command"] == ["python", "-m", f"tdi_{service}"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz" in paths
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz" in paths
        assert container["startupProbe"]["httpGet"]["path"] in paths
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][bound]), service
        assert container["securityContext"]["readOnlyRootFilesystem"] is True


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_keeps_a_pod_through_drains_and_scales_only_up_to_its_partitions(overlay: str) -> None:
    from tdi_contracts.access import SERVICE_READS
    from tdi_contracts.topics import topic_spec

    docs = rendered(overlay)
    budgets, autoscalers = _of_kind(docs, "PodDisruptionBudget"), _of_kind(docs, "HorizontalPodAutoscaler")
    assert set(autoscalers) == {f"tdi-{s}" for s in CONSUMERS}
    for service in SERVICES:
        deployment = _of_kind(docs, "Deployment")[f"tdi-{service}"]
        assert budgets[f"tdi-{service}"]["spec"]["selector"] == deployment["spec"]["selector"]
    for service in CONSUMERS:
        hpa = autoscalers[f"tdi-{service}"]["spec"]
        partitions = max(topic_spec(t).partitions for t in SERVICE_READS[service])
        assert hpa["scaleTargetRef"]["name"] == f"tdi-{service}"
        assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"] <= partitions
        assert "replicas" not in _of_kind(docs, "Deployment")[f"tdi-{service}"]["spec"], "the HPA owns replicas"
    if overlay == "prod":
        assert all(b["spec"]["minAvailable"] == 1 for b in budgets.values())


def test_services_reach_only_kafka_their_database_and_dns_and_accept_only_their_http_port() -> None:
    docs = rendered("prod")
    policy = _of_kind(docs, "NetworkPolicy")["tdi-services"]["spec"]
    template = _of_kind(docs, "Deployment")["tdi-vte"]["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= template.items()
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    assert [port["port"] for rule in policy["ingress"] for port in rule["ports"]] == [8000]
    reached = {
        (tuple(sorted(peer.get("podSelector", {}).get("matchLabels", {}).items())), port["port"])
        for rule in policy["egress"]
        for peer in rule["to"]
        for port in rule["ports"]
    }
    assert reached == {
        ((("strimzi.io/cluster", "tdi"), ("strimzi.io/kind", "Kafka")), 9092),
        ((("cnpg.io/cluster", "tdi-pg"),), 5432),
        ((("k8s-app", "kube-dns"),), 53),
    }
    kafka = _of_kind(docs, "Kafka")["tdi"]["spec"]["kafka"]
    internal = next(listener for listener in kafka["listeners"] if listener["port"] == 9092)
    assert internal["networkPolicyPeers"] == [{"podSelector": {"matchLabels": policy["podSelector"]["matchLabels"]}}]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_is_kraft_with_scram_on_every_listener_and_acls_enforced(overlay: str) -> None:
    docs = rendered(overlay)
    kafka = _of_kind(docs, "Kafka")["tdi"]["spec"]
    assert "zookeeper" not in kafka
    assert kafka["kafka"]["version"].startswith("4.")
    assert {listener["authentication"]["type"] for listener in kafka["kafka"]["listeners"]} == {"scram-sha-512"}
    assert kafka["kafka"]["authorization"]["type"] == "simple"
    assert kafka["kafka"]["config"].get("allow.everyone.if.no.acl.found", False) is False
    assert kafka["entityOperator"] == {"topicOperator": {}, "userOperator": {}}
    pools = _of_kind(docs, "KafkaNodePool")
    assert {role for pool in pools.values() for role in pool["spec"]["roles"]} == {"controller", "broker"}
    settings = _of_kind(docs, "ConfigMap")["tdi-settings"]["data"]
    assert settings["KAFKA_SECURITY_PROTOCOL"].startswith("SASL_")
    assert settings["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    replicas = sum(pool["spec"]["replicas"] for pool in pools.values())
    for topic in _of_kind(docs, "KafkaTopic").values():
        assert int(topic["spec"]["config"]["min.insync.replicas"]) < topic["spec"]["replicas"] <= replicas or (
            replicas == 1 and topic["spec"]["replicas"] == 1
        )


def test_postgres_is_a_cloudnativepg_cluster_with_a_role_per_service_and_backups_in_prod() -> None:
    docs = rendered("prod")
    cluster = _of_kind(docs, "Cluster")["tdi-pg"]["spec"]
    roles = {role["name"]: role for role in cluster["managed"]["roles"]}
    assert set(roles) == set(SERVICES)
    assert all(role["passwordSecret"]["name"] == f"tdi-db-{name}" for name, role in roles.items())
    assert cluster["backup"]["barmanObjectStore"]["destinationPath"].startswith("s3://")
    assert _of_kind(docs, "ScheduledBackup")["tdi-pg-nightly"]["spec"]["cluster"]["name"] == "tdi-pg"


# ------------------------------------------------------------------------------------------ cross-checks
@cache
def consumed_topics() -> dict[str, tuple[str, ...]]:
    """The topics each service's consumer groups subscribe to, as its app factory wires them."""
    found: dict[str, tuple[str, ...]] = {}
    for service in SERVICES:
        module = importlib.import_module(f"tdi_{service}.app")
        captured: dict[str, Any] = {}
        original = module.create_service_app

        def capture(
            settings: ServiceSettings, original: Any = original, captured: dict[str, Any] = captured, **kwargs: Any
        ) -> Any:
            captured.update(kwargs)
            return original(settings, **kwargs)

        module.create_service_app = capture  # type: ignore[attr-defined]
        try:
            module.create_app(ServiceSettings.for_service(service, deployment="local"))  # its wiring only
        finally:
            module.create_service_app = original  # type: ignore[attr-defined]
        found[service] = tuple(t for spec in captured.get("consumers", ()) for t in spec.topics)
    return found


def _allows(user: dict[str, Any], resource: str, name: str, operation: str) -> bool:
    for acl in user["spec"]["authorization"]["acls"]:
        target = acl["resource"]
        if target["type"] != resource or operation not in acl["operations"]:
            continue
        if resource == "cluster" or (
            name == target["name"]
            if target.get("patternType", "literal") == "literal"
            else name.startswith(target["name"])
        ):
            return True
    return False


def test_every_topic_the_code_uses_is_a_kafka_topic_and_its_users_hold_their_acls() -> None:
    docs = rendered("prod")
    topics = {t["spec"]["topicName"]: t["spec"] for t in _of_kind(docs, "KafkaTopic").values()}
    users = _of_kind(docs, "KafkaUser")
    assert {spec.name: spec.partitions for spec in ALL_TOPICS} == {n: s["partitions"] for n, s in topics.items()}
    for service, consumed in consumed_topics().items():
        user = users[f"svc-{service}"]
        assert _allows(user, "cluster", "kafka-cluster", "IdempotentWrite")
        for topic in consumed:
            assert topic in topics, f"{service} consumes {topic}, which is no KafkaTopic"
            assert _allows(user, "topic", topic, "Read"), f"svc-{service} cannot read {topic}"
        if consumed:
            group = consumer_group(service)
            assert _allows(user, "group", group, "Read")
            assert dlq_topic(group) in topics and _allows(user, "topic", dlq_topic(group), "Write")
    for spec in SPECS.values():
        for topic in spec.topics:
            assert topic in topics, f"{spec.type} travels on {topic}, which is no KafkaTopic"
            if spec.kind != "command" and spec.service in SERVICES:  # feedback and dead letters: checked below
                assert _allows(users[f"svc-{spec.service}"], "topic", topic, "Write"), f"{spec.type} on {topic}"
    for partner in Partner:
        user = users[f"partner-{partner.value}"]
        owned = {SPECS[t].service for t in PARTNER_COMMANDS[partner]}
        for service in ("funding", "vte"):
            ingress = partner_ingress_topic(partner, service)
            assert _allows(user, "topic", ingress, "Write") == (service in owned), f"{partner} {service}"
            assert _allows(users[f"svc-{service}"], "topic", ingress, "Read")
            assert _allows(users[f"svc-{service}"], "topic", partner_feedback_topic(partner), "Write")
        assert _allows(user, "topic", partner_feedback_topic(partner), "Read")
        others = [p for p in Partner if p is not partner]
        assert not any(_allows(user, "topic", partner_ingress_topic(o, "funding"), "Write") for o in others)
        assert not any(_allows(user, "topic", partner_feedback_topic(o), "Read") for o in others)
        assert user["spec"]["quotas"]["producerByteRate"] > 0


def test_every_kafka_topic_holds_its_class_retention_and_the_broker_volume_holds_every_bounded_topic() -> None:
    docs = rendered("prod")
    topics = {t["spec"]["topicName"]: t["spec"]["config"] for t in _of_kind(docs, "KafkaTopic").values()}
    for spec in ALL_TOPICS:
        assert {k: str(v) for k, v in topics[spec.name].items() if k != "min.insync.replicas"} == spec.config()
    pools = _of_kind(docs, "KafkaNodePool").values()
    gib = min(int(v["size"].removesuffix("Gi")) for pool in pools for v in pool["spec"]["storage"]["volumes"])
    assert bounded_bytes(ALL_TOPICS) <= BROKER_DISK_BUDGET_BYTES <= gib * 1024**3 // 2, "room left for the history"


def test_the_operators_user_reads_every_dead_letter_and_writes_back_only_where_a_redrive_is_of_use() -> None:
    users = _of_kind(rendered("prod"), "KafkaUser")
    ops = users["tdi-ops"]
    for service, consumed in consumed_topics().items():
        if consumed:
            assert _allows(ops, "topic", dlq_topic(consumer_group(service)), "Read")
        for topic in consumed:
            partner = next(
                (p for p in Partner if topic in (partner_ingress_topic(p, s) for s in ("funding", "vte"))), None
            )
            useful = topic == "tdi.territory.territory.v1" or (
                partner is not None and any(partner_ingress_topic(partner, SPECS[t].service) == topic
                                            for t in PARTNER_COMMANDS[partner])
            )  # fmt: skip
            assert _allows(ops, "topic", topic, "Write") == useful, f"tdi-ops writing {topic} ({service})"
    assert not any(_allows(ops, "topic", partner_feedback_topic(p), "Read") for p in Partner)
    assert not any(acl["resource"]["type"] == "group" for acl in ops["spec"]["authorization"]["acls"])


def test_the_consumer_groups_read_only_what_the_acl_catalogue_grants() -> None:
    from tdi_contracts.access import SERVICE_READS

    for service, consumed in consumed_topics().items():
        assert set(consumed) <= set(SERVICE_READS[service]), service
        assert bool(consumed) == (service in CONSUMERS)


def _settings_classes(service: str) -> Iterator[type[BaseSettings]]:
    """The kit's settings of the service, then every pydantic-settings class its package defines."""
    yield type(ServiceSettings.for_service(service))
    package = importlib.import_module(f"tdi_{service}")
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if ".tests" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseSettings) and value.__module__ == module.__name__:
                yield value


FALLBACKS = {"database_url": "DATABASE_URL", "kafka_bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS"}
NOT_NEEDED = {
    "api_tokens": "static bearer tokens are for local stacks; deployments sign in with JWTs",
    "jwt_jwks_url": "the keys are mounted as a file (JWT_JWKS_FILE): no egress to the identity provider",
    "db_schema": "defaults to the service's own name",
    "topic_prefix": "tests only",
    "homepage": "optional: the data package names its data.gouv.fr page once the programme has published one",
}
ONLY_FOR = {"ticket_secret": {"reporting"}}
"""Kit settings only some services use (the others read them and never need them)."""


def _unsafe_default(value: Any) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value in (None, "", {}, []):
        return True
    return isinstance(value, str) and ("127.0.0.1" in value or "development" in value)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_setting_a_service_reads_without_a_safe_default_is_set_in_its_deployment(overlay: str) -> None:
    docs = rendered(overlay)
    shared = set(_of_kind(docs, "ConfigMap")["tdi-settings"]["data"])
    for service in SERVICES:
        container = _container(docs, service)
        available = set(_env(container)) | shared
        known: set[str] = set()
        for cls in _settings_classes(service):
            prefix = str(cls.model_config.get("env_prefix", "")).upper()
            for name, field in cls.model_fields.items():
                variable = prefix + name.upper()
                known.add(variable)
                if name == "service" or name in NOT_NEEDED or not _unsafe_default(field.get_default()):
                    continue
                if service not in ONLY_FOR.get(name, {service}):
                    continue
                assert {variable, FALLBACKS.get(name)} & available, f"tdi-{service} does not set {variable}"
        ours = {name for name in _env(container) if name.startswith(f"TDI_{service.upper()}_")}
        assert ours <= known, f"tdi-{service} sets settings no class reads: {ours - known}"


def test_every_secret_a_pod_reads_is_rendered_or_created_by_an_operator_or_listed_for_ops() -> None:
    readme = (K8S / "README.md").read_text(encoding="utf-8")
    for overlay in OVERLAYS:
        docs = rendered(overlay)
        rendered_secrets = set(_of_kind(docs, "Secret"))
        users = set(_of_kind(docs, "KafkaUser"))
        for kind in ("Deployment", "Job"):
            for workload in _of_kind(docs, kind).values():
                pod = workload["spec"]["template"]["spec"]
                for container in pod.get("initContainers", []) + pod["containers"]:
                    for item in container.get("env", []):
                        ref = item.get("valueFrom", {}).get("secretKeyRef")
                        if ref is None:
                            continue
                        name = ref["name"]
                        operator_made = name in users or name == "tdi-pg-superuser"
                        if overlay == "dev":
                            assert name in rendered_secrets or operator_made, name
                        else:
                            assert operator_made or f"`{name}`" in readme or name.startswith("tdi-db-"), name
    from tdi_vte.rules import DEV_PSEUDONYM_KEY

    dev_key = base64.b64decode(_of_kind(rendered("dev"), "Secret")["tdi-vte-pseudonym"]["data"]["key"]).decode()
    assert dev_key and dev_key != DEV_PSEUDONYM_KEY


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_is_production_and_gives_vte_a_secret_pseudonym_key_long_enough(overlay: str) -> None:
    from tdi_vte.rules import MIN_PSEUDONYM_KEY_LENGTH

    docs = rendered(overlay)
    shared = _of_kind(docs, "ConfigMap")["tdi-settings"]["data"]
    assert shared.get("TDI_DEPLOYMENT", "production") == "production"
    for service in SERVICES:
        assert _env(_container(docs, service)).get("TDI_DEPLOYMENT", {}).get("value", "production") == "production"
    key = _env(_container(docs, "vte"))["TDI_VTE_PSEUDONYM_KEY"]["valueFrom"]["secretKeyRef"]
    if overlay == "dev":
        secret = _of_kind(docs, "Secret")[key["name"]]["data"][key["key"]]
        assert len(base64.b64decode(secret).decode()) >= MIN_PSEUDONYM_KEY_LENGTH
