"""`make images`: the platform's four images built with podman from Debian, PyPI and Maven Central alone.

    localhost/tdi-base:bookworm      mmdebstrap of Debian bookworm (python3.11), `podman import`ed; cached
    localhost/tdi-platform:local     the root Dockerfile FROM the base (uv sync of uv.lock, uid 10001)
    localhost/tdi-kafka:local        Debian's JRE + the Kafka jars of kafka_pom.xml, KRaft (uid 10002)
    localhost/tdi-postgres:local     Debian's postgresql (uid 10003)

The base is cached between runs and clones, keyed by a hash of its inputs (suite, packages, mirror, this
recipe): the tarball in `<cache>/images/` and the tag `tdi-base:bookworm-<key>` in podman's store. Other images
rely on podman's layer cache. Run as root on Debian, it installs podman, runc and mmdebstrap when missing.
Options: `--only base,kafka,...`, `--refresh-base` (a new snapshot of Debian, e.g. for security updates).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SUITE = "bookworm"
MIRROR = os.environ.get("TDI_DEBIAN_MIRROR", "http://deb.debian.org/debian")
BASE_PACKAGES = ("python3", "python3-venv", "ca-certificates", "passwd")
BASE_RECIPE = 1  # bump when the way the base is made changes
BASE = "localhost/tdi-base"
PLATFORM = "localhost/tdi-platform:local"
KAFKA = "localhost/tdi-kafka:local"
POSTGRES = "localhost/tdi-postgres:local"
IMAGES = ("base", "platform", "kafka", "postgres")
PODMAN_COMPOSE = "podman-compose==1.5.0"


def log(message: str) -> None:
    sys.stderr.write(f"[images] {message}\n")
    sys.stderr.flush()


def cache_dir() -> Path:
    base = os.environ.get("TDI_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "tdi-platform")
    path = Path(base) / "images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def ensure_tools() -> None:
    """podman, runc and mmdebstrap from Debian when root and missing; otherwise say what is missing."""
    missing = [tool for tool in ("podman", "runc", "mmdebstrap") if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit(f"make images needs {', '.join(missing)} (apt-get install podman runc mmdebstrap, as root)")
    log(f"installing {' '.join(missing)} from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "podman", "runc", "mmdebstrap"], check=True, env=env)


def containers_conf() -> Path:
    """The engine settings this machine kind needs (runc, cgroupfs, no ulimits, file events), in a file of ours.

    Used through CONTAINERS_CONF unless the caller already set one; the system's own file is never touched.
    """
    path = cache_dir() / "containers.conf"
    text = (
        "# Written by deploy/images/build.py: used through CONTAINERS_CONF, never as the system file.\n"
        '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n'
        'events_logger = "file"\n'
    )
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def podman_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("CONTAINERS_CONF", str(containers_conf()))
    return env


def podman(*args: str, capture: bool = False, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["podman", *args], check=check, text=True, capture_output=capture, env=podman_env())


def podman_compose() -> list[str]:
    """The podman-compose command: the one on PATH, else PODMAN_COMPOSE from PyPI in a venv of the cache."""
    if shutil.which("podman-compose"):
        return ["podman-compose"]
    venv = cache_dir().parent / "tools" / PODMAN_COMPOSE.replace("==", "-")
    executable = venv / "bin" / "podman-compose"
    if not executable.exists():
        log(f"installing {PODMAN_COMPOSE} from PyPI into {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", PODMAN_COMPOSE], check=True)
    return [str(executable)]


def image_exists(name: str) -> bool:
    return podman("image", "exists", name, check=False).returncode == 0


def image_id(name: str) -> str | None:
    found = podman("image", "inspect", "--format", "{{.Id}}", name, capture=True, check=False)
    return found.stdout.strip() if found.returncode == 0 else None


def drop_replaced(name: str, previous: str | None) -> None:
    """Removes the image a rebuild of `name` replaced (kept only when a container still uses it)."""
    if previous and previous != image_id(name):
        podman("rmi", previous, capture=True, check=False)


def image_size(name: str) -> int:
    return int(podman("image", "inspect", "--format", "{{.Size}}", name, capture=True).stdout.strip())


def git_commit() -> str:
    """The checked-out commit, read from .git without running git (TDI_GIT_COMMIT overrides)."""
    if os.environ.get("TDI_GIT_COMMIT"):
        return os.environ["TDI_GIT_COMMIT"]
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head
        ref = head.removeprefix("ref: ")
        if (git / ref).exists():
            return (git / ref).read_text(encoding="utf-8").strip()
        for line in (git / "packed-refs").read_text(encoding="utf-8").splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return "unknown"


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])


def labels() -> list[str]:
    return ["--build-arg", f"VERSION={version()}", "--build-arg", f"GIT_COMMIT={git_commit()}"]


def ca_secret() -> list[str]:
    """The machine's CA bundle as the build secret `ca` (PyPI/Maven behind a TLS proxy); never in a layer."""
    for candidate in (os.environ.get("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and Path(candidate).is_file():
            return ["--secret", f"id=ca,src={candidate}"]
    return []


def base_key() -> str:
    inputs = {"suite": SUITE, "mirror": MIRROR, "packages": BASE_PACKAGES, "recipe": BASE_RECIPE}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:12]


def base_image() -> str:
    return f"{BASE}:{SUITE}-{base_key()}"


def build_base(refresh: bool = False) -> str:
    name = base_image()
    tarball = cache_dir() / f"tdi-base-{SUITE}-{base_key()}.tar"
    if refresh:
        tarball.unlink(missing_ok=True)
    elif image_exists(name):
        log(f"{name}: cached in podman's store")
        podman("tag", name, f"{BASE}:{SUITE}")
        return name
    if not tarball.exists():
        log(f"{name}: mmdebstrap {SUITE} ({', '.join(BASE_PACKAGES)})")
        partial = tarball.with_suffix(".partial.tar")
        subprocess.run(
            [
                "mmdebstrap",
                "--quiet",
                "--variant=apt",
                f"--include={','.join(BASE_PACKAGES)}",
                "--aptopt=APT::Install-Recommends false",
                SUITE,
                str(partial),
                MIRROR,
            ],
            check=True,
        )
        partial.rename(tarball)
    changes = [
        "LABEL org.opencontainers.image.title=tdi-base",
        f"LABEL org.opencontainers.image.version={SUITE}-{base_key()}",
        f"LABEL org.opencontainers.image.revision={git_commit()}",
        'CMD ["/bin/bash"]',
    ]
    podman("import", *(arg for change in changes for arg in ("--change", change)), str(tarball), name)
    podman("tag", name, f"{BASE}:{SUITE}")
    return name


def build_platform(base: str) -> None:
    log(f"{PLATFORM}: Dockerfile FROM {base}")
    podman(
        "build",
        "--layers",
        "--build-arg",
        f"PYTHON_IMAGE={base}",
        *labels(),
        *ca_secret(),
        "--tag",
        PLATFORM,
        "--file",
        str(ROOT / "Dockerfile"),
        str(ROOT),
    )


def build_kafka(base: str) -> None:
    sys.path.insert(0, str(ROOT / "deploy" / "local" / "src"))
    from tdi_localstack.kafka_jars import kafka_libs, kafka_version

    libs = kafka_libs()  # Maven Central once per machine, then the same cache as the embedded broker's
    log(f"{KAFKA}: Kafka {kafka_version()} jars from {libs}")
    with tempfile.TemporaryDirectory(prefix="tdi-kafka-image-") as tmp:
        context = Path(tmp)
        shutil.copytree(libs, context / "libs", copy_function=os.link)
        for name in ("Containerfile", "kafka-entrypoint.py", "kafka-ready.py"):
            shutil.copy2(HERE / "kafka" / name, context / name)
        podman(
            "build",
            "--layers",
            "--build-arg",
            f"BASE_IMAGE={base}",
            "--build-arg",
            f"KAFKA_VERSION={kafka_version()}",
            *labels(),
            "--tag",
            KAFKA,
            str(context),
        )


def build_postgres(base: str) -> None:
    log(f"{POSTGRES}: Debian's postgresql")
    podman(
        "build", "--layers", "--build-arg", f"BASE_IMAGE={base}", *labels(), "--tag", POSTGRES, str(HERE / "postgres")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(IMAGES), help="comma-separated subset of " + ",".join(IMAGES))
    parser.add_argument("--refresh-base", action="store_true", help="bootstrap the base again (new Debian snapshot)")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = wanted - set(IMAGES)
    if unknown:
        parser.error(f"unknown image(s): {', '.join(sorted(unknown))}")
    ensure_tools()
    timings: dict[str, float] = {}
    start = time.monotonic()
    base = build_base(refresh=args.refresh_base)
    timings["base"] = time.monotonic() - start
    builders = {"platform": build_platform, "kafka": build_kafka, "postgres": build_postgres}
    tags = {"platform": PLATFORM, "kafka": KAFKA, "postgres": POSTGRES}
    for name, builder in builders.items():
        if name in wanted:
            start = time.monotonic()
            previous = image_id(tags[name])
            builder(base)
            drop_replaced(tags[name], previous)
            timings[name] = time.monotonic() - start
    names = {"base": base, "platform": PLATFORM, "kafka": KAFKA, "postgres": POSTGRES}
    for name, seconds in timings.items():
        log(f"{names[name]}: {seconds:.0f} s, {image_size(names[name]) / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
