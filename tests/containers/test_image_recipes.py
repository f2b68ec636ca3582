"""The image recipes' pure parts, without podman: Kafka settings from the environment, the base image's cache key."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from stack_tools import ROOT, images_builder


def _kafka_entrypoint() -> ModuleType:
    path = ROOT / "deploy" / "images" / "kafka" / "kafka-entrypoint.py"
    spec = importlib.util.spec_from_file_location("kafka_entrypoint", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kafka_settings_follow_the_apache_kafka_image_naming_convention() -> None:
    entrypoint = _kafka_entrypoint()
    assert entrypoint.property_name("KAFKA_LOG_DIRS") == "log.dirs"
    assert entrypoint.property_name("KAFKA_LISTENER_NAME_HOST__X") == "listener.name.host_x"
    assert entrypoint.property_name("KAFKA_SASL___X") == "sasl-x"


def test_an_unconfigured_kafka_image_is_one_plaintext_kraft_node_and_the_environment_wins() -> None:
    entrypoint = _kafka_entrypoint()
    defaults = entrypoint.settings({})
    assert defaults["process.roles"] == "broker,controller"
    assert defaults["auto.create.topics.enable"] == "false"
    chosen = entrypoint.settings({"KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://h:1", "KAFKA_HEAP_OPTS": "-Xmx1g"})
    assert chosen["advertised.listeners"] == "PLAINTEXT://h:1"
    assert "heap.opts" not in chosen, "JVM variables are not broker settings"
    dynamic = entrypoint.settings({"KAFKA_CONTROLLER_QUORUM_BOOTSTRAP_SERVERS": "h:9093"})
    assert "controller.quorum.voters" not in dynamic, "a dynamic quorum replaces the static voters"


def test_the_cached_base_image_changes_whenever_one_of_its_inputs_changes(monkeypatch) -> None:
    builder = images_builder()
    key = builder.base_key()
    assert builder.base_key() == key, "the same inputs give the same cached base"
    monkeypatch.setattr(builder, "BASE_PACKAGES", (*builder.BASE_PACKAGES, "curl"))
    assert builder.base_key() != key
    monkeypatch.setattr(builder, "BASE_PACKAGES", builder.BASE_PACKAGES[:-1])
    monkeypatch.setattr(builder, "MIRROR", "http://mirror.example.org/debian")
    assert builder.base_key() != key


def test_images_are_labelled_with_the_commit_read_from_git_metadata(tmp_path: Path, monkeypatch) -> None:
    builder = images_builder()
    monkeypatch.delenv("TDI_GIT_COMMIT", raising=False)
    (tmp_path / ".git" / "refs" / "heads").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    monkeypatch.setattr(builder, "ROOT", tmp_path)
    assert builder.git_commit() == "a" * 40
    monkeypatch.setenv("TDI_GIT_COMMIT", "b" * 40)
    assert builder.git_commit() == "b" * 40
