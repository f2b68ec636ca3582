"""Resolves the Apache Kafka jars from Maven Central once per machine, with `mvn` and the committed pom."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from tdi_localstack.paths import cache_dir

_POM = "kafka_pom.xml"


def pom_text() -> str:
    return resources.files("tdi_localstack").joinpath(_POM).read_text(encoding="utf-8")


def kafka_version() -> str:
    """The Kafka version the pom pins (one version both kafka_2.13 and kafka-tools are served at)."""
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom_text())
    if match is None:
        raise RuntimeError("kafka_pom.xml does not pin <kafka.version>")
    return match.group(1)


def kafka_libs() -> Path:
    """The folder holding every jar of the broker and tools; downloads them on first use only."""
    text = pom_text()
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    home = cache_dir() / f"kafka-{kafka_version()}-{digest}"
    libs = home / "libs"
    if (home / "complete").exists():
        return libs
    home.mkdir(parents=True, exist_ok=True)
    (home / "pom.xml").write_text(text, encoding="utf-8")
    partial = home / "libs.partial"
    shutil.rmtree(partial, ignore_errors=True)
    mvn = os.environ.get("MVN", "mvn")
    subprocess.run(
        [
            mvn,
            "-q",
            "-B",
            "-Dstyle.color=never",
            "-f",
            str(home / "pom.xml"),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={partial}",
            "-DincludeScope=runtime",
        ],
        check=True,
    )
    if not any(partial.glob("kafka_2.13-*.jar")):
        raise RuntimeError(f"mvn resolved no kafka_2.13 jar into {partial}")
    shutil.rmtree(libs, ignore_errors=True)
    partial.rename(libs)
    (home / "complete").write_text(kafka_version(), encoding="utf-8")
    return libs
