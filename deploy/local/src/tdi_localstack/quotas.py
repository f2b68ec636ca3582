"""Per-partner Kafka client quotas: rendered from the contracts (`tdi_contracts.access.PARTNER_QUOTAS`) into one
committed file, applied and described back with Kafka's own `kafka-configs` tool (`kafka.admin.ConfigCommand`).

No Python client sets client quotas (aiokafka and confluent-kafka have no such admin call), so the tool class
of the broker's jars runs in a small JVM, logged in as the broker's admin through a `--command-config` file.
`python -m tdi_localstack quotas export|apply|describe`; a secure local stack applies them at start.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tdi_localstack.paths import repo_root

QUOTA_FILE = repo_root() / "deploy" / "kafka" / "quotas.json"
QUOTA_KEYS = ("producer_byte_rate", "consumer_byte_rate", "request_percentage")
TOOL_HEAP = "96m"


def render() -> str:
    """The committed file's text: the quotas of each partner's SCRAM user."""
    from tdi_contracts.access import PARTNER_QUOTAS, partner_principal

    users = {
        partner_principal(p).removeprefix("User:"): {k: getattr(q, k) for k in QUOTA_KEYS}
        for p, q in sorted(PARTNER_QUOTAS.items())
    }
    document = {
        "about": "Kafka client quotas per partner user, rendered from tdi_contracts.access; do not edit by hand.",
        "users": users,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def declared(path: Path = QUOTA_FILE) -> dict[str, dict[str, int]]:
    """user -> {quota key: value} as the file declares them."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["users"])


_BATCH = """\
public class ConfigBatch {
    public static void main(String[] files) throws Exception {
        for (String file : files) {
            String[] args = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file)).toArray(new String[0]);
            kafka.admin.ConfigCommand.main(args);
        }
    }
}
"""
"""Runs several `kafka-configs` invocations in one JVM (one per file of arguments, one argument a line): a JVM
start costs seconds on a loaded machine, eight of them (one per partner) most of a minute."""


def _compiled(java: str) -> Path:
    """The folder of ConfigBatch.class, compiled once per machine next to the Kafka jars' cache."""
    from tdi_localstack.kafka_jars import kafka_libs

    folder = kafka_libs().parent / f"config-batch-{hashlib.sha256(_BATCH.encode()).hexdigest()[:12]}"
    if not (folder / "ConfigBatch.class").exists():
        partial = Path(tempfile.mkdtemp(prefix="config-batch-", dir=folder.parent))
        (partial / "ConfigBatch.java").write_text(_BATCH, encoding="utf-8")
        javac = shutil.which("javac") or str(Path(java).resolve().parent / "javac")
        cmd = [javac, "-J-Xmx128m", "-cp", f"{kafka_libs()}/*", "-d", str(partial), str(partial / "ConfigBatch.java")]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return folder


def config_commands(bootstrap: str, admin_user: str, admin_password: str, invocations: list[list[str]]) -> str:
    """Run `kafka.admin.ConfigCommand` (kafka-configs) once per invocation, as the admin, in one JVM.

    Returns the standard output; raises on the first invocation that fails (the tool exits non-zero).
    """
    from tdi_localstack.kafka_jars import kafka_libs

    java = shutil.which("java") or "java"
    module = "org.apache.kafka.common.security.scram.ScramLoginModule"
    with tempfile.TemporaryDirectory(prefix="tdi-quotas-") as name:
        folder = Path(name)
        config = folder / "admin.properties"
        config.touch(mode=0o600)
        jaas = f'{module} required username="{admin_user}" password="{admin_password}";'
        lines = ["security.protocol=SASL_PLAINTEXT", "sasl.mechanism=SCRAM-SHA-512", f"sasl.jaas.config={jaas}"]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files = []
        for i, args in enumerate(invocations):
            files.append(folder / f"args-{i}.txt")
            common = ["--bootstrap-server", bootstrap, "--command-config", str(config)]
            files[-1].write_text("\n".join([*common, *args]) + "\n", encoding="utf-8")
        command = [java, f"-Xmx{TOOL_HEAP}", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp"]
        command += [f"{kafka_libs()}/*:{_compiled(java)}", "ConfigBatch", *map(str, files)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"kafka-configs failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def apply(bootstrap: str, admin_user: str, admin_password: str, path: Path = QUOTA_FILE) -> int:
    """Set every user's quotas of the file on the broker (idempotent); returns how many users were set."""
    users = declared(path)
    invocations = [
        ["--alter", "--entity-type", "users", "--entity-name", user,
         "--add-config", ",".join(f"{k}={quotas[k]}" for k in QUOTA_KEYS)]
        for user, quotas in users.items()
    ]  # fmt: skip
    config_commands(bootstrap, admin_user, admin_password, invocations)
    return len(users)


_LINE = re.compile(r"Quota configs for user-principal '([^']+)' are (.*)$")


def parse_described(text: str) -> dict[str, dict[str, float]]:
    """The quotas in `kafka-configs --describe --entity-type users` output: user -> {key: value}."""
    found: dict[str, dict[str, float]] = {}
    for line in text.splitlines():
        match = _LINE.search(line.strip())
        if match:
            pairs = (item.split("=", 1) for item in match.group(2).split(", ") if "=" in item)
            found[match.group(1)] = {key.strip(): float(value) for key, value in pairs}
    return found


def describe(bootstrap: str, admin_user: str, admin_password: str) -> dict[str, dict[str, float]]:
    """Every user quota the broker holds, read back from the broker itself."""
    described = config_commands(bootstrap, admin_user, admin_password, [["--describe", "--entity-type", "users"]])
    return parse_described(described)
