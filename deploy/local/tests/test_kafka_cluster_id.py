"""The random KRaft cluster id given to `StorageTool format -t <id>` never starts with "-": the tool would read it as
an option and refuse to format (about one start in 64 with a URL-safe base64 id). No JVM here: the format and start
commands are captured."""

from __future__ import annotations

import base64
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from tdi_localstack import kafka_node, kafka_server
from tdi_localstack.kafka_cluster import KafkaCluster
from tdi_localstack.kafka_server import KafkaServer

DASH_FIRST = uuid.UUID(bytes=b"\xf8" + bytes(15))  # URL-safe base64: "-AAAAAAAAAAAAAAAAAAAAA"


@pytest.fixture
def formats(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """The StorageTool command lines run; the first random UUID drawn is one whose id starts with "-"."""
    assert base64.urlsafe_b64encode(DASH_FIRST.bytes).decode().startswith("-")
    drawn = iter([DASH_FIRST])
    real = uuid.uuid4
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn, None) or real())
    commands: list[list[str]] = []

    def run(argv: list[str], **_: Any) -> subprocess.CompletedProcess[bytes]:
        commands.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    for module in (kafka_server, kafka_node):
        monkeypatch.setattr(module, "kafka_libs", lambda: tmp_path / "libs")
        monkeypatch.setattr(module.subprocess, "run", run)
        monkeypatch.setattr(module, "spawn", lambda argv, **_: None)
    return commands


def _cluster_id(command: list[str]) -> str:
    return command[command.index("-t") + 1]


def test_the_single_broker_is_formatted_with_a_cluster_id_that_does_not_start_with_a_dash(formats, tmp_path):
    KafkaServer(tmp_path / "kafka").launch()
    [command] = formats
    assert "kafka.tools.StorageTool" in command
    assert not _cluster_id(command).startswith("-"), command
    assert len(_cluster_id(command)) == 22


def test_every_node_of_the_cluster_is_formatted_with_one_cluster_id_that_does_not_start_with_a_dash(formats, tmp_path):
    KafkaCluster(tmp_path / "cluster").launch()
    assert len(formats) == 3
    ids = {_cluster_id(command) for command in formats}
    assert len(ids) == 1
    [cluster_id] = ids
    assert not cluster_id.startswith("-") and len(cluster_id) == 22


def test_a_kept_cluster_folder_whose_id_starts_with_a_dash_and_no_node_was_formatted_gets_a_new_one(formats, tmp_path):
    """A run that hit the old flake left its id behind (no node could be formatted with it): the next run goes on."""
    folder = tmp_path / "cluster"
    folder.mkdir()
    (folder / "cluster-id").write_text("-AAAAAAAAAAAAAAAAAAAAA", encoding="utf-8")
    KafkaCluster(folder).launch()
    assert {_cluster_id(command) for command in formats} == {(folder / "cluster-id").read_text(encoding="utf-8")}
    assert not (folder / "cluster-id").read_text(encoding="utf-8").startswith("-")
