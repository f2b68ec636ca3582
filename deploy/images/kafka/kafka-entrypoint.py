"""Starts one KRaft broker+controller: server.properties from KAFKA_* variables, storage formatted once."""

import base64
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

LIBS = "/opt/kafka/libs/*"
JVM_VARIABLES = {"KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS"}
DEFAULTS = {
    "node.id": "1",
    "process.roles": "broker,controller",
    "listeners": "PLAINTEXT://:9092,CONTROLLER://:9093",
    "advertised.listeners": "PLAINTEXT://localhost:9092",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name": "PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "controller.quorum.voters": "1@localhost:9093",
    "log.dirs": "/var/lib/kafka/data",
    "num.partitions": "6",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "6",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "default.replication.factor": "1",
    "min.insync.replicas": "1",
    "group.initial.rebalance.delay.ms": "0",
    "auto.create.topics.enable": "false",
}
LOG4J2 = """status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = STDOUT
logger.server.name = kafka.server.BrokerServer
logger.server.level = info
"""


def property_name(variable: str) -> str:
    """KAFKA_LOG_DIRS -> log.dirs; __ stands for _ and ___ for - (the apache/kafka image's convention)."""
    name = variable.removeprefix("KAFKA_").lower()
    return re.sub(r"_+", lambda m: {1: ".", 2: "_", 3: "-"}.get(len(m.group()), m.group()), name)


def settings(environ: dict[str, str]) -> dict[str, str]:
    chosen = dict(DEFAULTS)
    for variable, value in environ.items():
        if variable.startswith("KAFKA_") and variable not in JVM_VARIABLES:
            chosen[property_name(variable)] = value
    if "controller.quorum.bootstrap.servers" in chosen:
        chosen.pop("controller.quorum.voters", None)
    return chosen


def main() -> None:
    config_dir = Path(os.environ.get("TDI_KAFKA_CONFIG_DIR", "/tmp/kafka"))  # noqa: S108 - a tmpfs of the container
    config_dir.mkdir(parents=True, exist_ok=True)
    chosen = settings(dict(os.environ))
    config = config_dir / "server.properties"
    config.write_text("".join(f"{k}={v}\n" for k, v in chosen.items()), encoding="utf-8")
    log4j = config_dir / "log4j2.properties"
    log4j.write_text(LOG4J2, encoding="utf-8")
    jvm = ["java", *os.environ.get("KAFKA_HEAP_OPTS", "-Xmx512m -Xms512m").split()]
    jvm += ["-XX:+UseG1GC", "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={log4j}"]
    jvm += [*os.environ.get("KAFKA_OPTS", "").split(), "-cp", LIBS]
    log_dir = Path(chosen["log.dirs"].split(",")[0])
    if not (log_dir / "meta.properties").exists():
        cluster_id = os.environ.get("CLUSTER_ID") or base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        standalone = [] if "controller.quorum.voters" in chosen else ["--standalone"]
        format_command = [*jvm, "kafka.tools.StorageTool", "format", "--ignore-formatted", *standalone]
        subprocess.run([*format_command, "-t", cluster_id, "-c", str(config)], check=True)
    sys.stdout.flush()
    os.execvp("java", [*jvm, "kafka.Kafka", str(config)])  # noqa: S606 - the broker replaces this process


if __name__ == "__main__":
    main()
