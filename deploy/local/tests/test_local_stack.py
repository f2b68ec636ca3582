"""The no-Docker stack: cached jars, settings from the environment win, nothing left running after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from tdi_localstack import kafka_jars
from tdi_localstack.stack import LocalStack


def test_kafka_jars_are_downloaded_once_and_then_reused(monkeypatch):
    first = kafka_jars.kafka_libs()
    monkeypatch.setenv("MVN", "/nonexistent/mvn-must-not-run")
    again = kafka_jars.kafka_libs()
    assert again == first
    jars = {p.name for p in first.glob("*.jar")}
    assert any(name.startswith("kafka_2.13-4.") for name in jars)
    assert any(name.startswith("kafka-tools-4.") for name in jars)
    assert any(name.startswith("log4j-slf4j") for name in jars), "the broker needs a logging binding"


@pytest.mark.integration
def test_a_broker_and_database_named_by_the_environment_win_over_the_local_stack(platform_stack, monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", platform_stack.bootstrap_servers)
    monkeypatch.setenv("DATABASE_URL", platform_stack.database_url)
    with LocalStack() as reused:
        assert reused.bootstrap_servers == platform_stack.bootstrap_servers
        assert reused.database_url == platform_stack.database_url
        assert reused.kafka_pid is None and reused.postgres_pid is None


_CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    # Ctrl-C as in a terminal, even when the test run itself was started in the background (SIGINT ignored then)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL"):
        os.environ.pop(key, None)
    from tdi_localstack.stack import LocalStack
    stack = LocalStack()
    stack.start()
    print(stack.kafka_pid, stack.postgres_pid, flush=True)
    time.sleep(600)
    """
)


@pytest.mark.integration
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_run_leaves_no_kafka_or_postgres_process_behind(how, platform_stack):
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")}
    child = subprocess.Popen([sys.executable, "-c", _CHILD], stdout=subprocess.PIPE, env=env)
    assert child.stdout is not None
    kafka_pid, postgres_pid = (int(x) for x in child.stdout.readline().split())
    assert psutil.pid_exists(kafka_pid) and psutil.pid_exists(postgres_pid)

    child.send_signal(how)
    child.wait(180)  # generous: a loaded machine may take a while to tear the stack down

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (_alive(kafka_pid) or _alive(postgres_pid)):
        time.sleep(0.2)
    assert not _alive(kafka_pid), "Kafka outlived the run that started it"
    assert not _alive(postgres_pid), "PostgreSQL outlived the run that started it"


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.skipif(os.path.exists("/var/run/docker.sock"), reason="a Docker engine may answer here")
def test_testcontainers_mode_without_a_docker_engine_says_how_to_run_instead(monkeypatch):
    monkeypatch.setenv("TDI_STACK", "testcontainers")
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="unset TDI_STACK to run the embedded stack"):
        LocalStack().start()
