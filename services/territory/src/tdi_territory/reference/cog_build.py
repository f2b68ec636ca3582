"""Builds the slim bundle of `@etalab/decoupage-administratif` the territory service vendors (issue 24, A3).

    npm pack @etalab/decoupage-administratif@6.0.0
    uv run --frozen python -m tdi_territory.reference.cog_build etalab-decoupage-administratif-6.0.0.tgz \
        --millesime 2026

From the npm tarball (the package's own `data/epci.json` and `data/communes.json`), it keeps what a locator needs:
every EPCI à fiscalité propre with its name, legal form and member communes (INSEE codes), the name of every
current commune, and the **aliases**: codes an establishment or a file may carry that are not current communes
(former codes of merged communes, communes déléguées / associées, the 45 Paris, Lyon and Marseille arrondissements),
each mapped to its current commune. Same tarball, same bytes (gzip without timestamp, sorted keys).

`cached_tarball()` fetches the tarball of the vendored version from the npm registry into the machine's cache, once,
checked against the SHA-256 `cog/VERSION` names: the unit tests rebuild the bundle from it and compare.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

from tdi_territory.reference.cog import BUNDLE_FILE, COG_DIR, VERSION_FILE

INSEE_COMMUNE = re.compile(r"^(?:(?:0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5])[0-9]{3}|2[AB][0-9]{3}|97[1-46][0-9]{2})$")
"""The contracts' `InseeCommune` pattern: an alias events could not carry is not kept."""
ALIAS_PRECEDENCE = {"arrondissement": 0, "delegue": 1, "associe": 1, "ancien": 2}
"""When two records give one code two communes (2 cases in 2026), the current status wins over a former code."""
NPM_REGISTRY = "https://registry.npmjs.org"
"""Where the tarball is fetched from; `TDI_NPM_REGISTRY` names a mirror."""
_KIND = {"commune-deleguee": "delegue", "commune-associee": "associe", "arrondissement-municipal": "arrondissement"}


def _read(tarball: bytes, member: str) -> Any:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        extracted = tar.extractfile(f"package/{member}")
        if extracted is None:
            raise FileNotFoundError(member)
        return json.loads(extracted.read())


def slim(epcis: list[dict[str, Any]], communes: list[dict[str, Any]]) -> dict[str, Any]:
    """The bundle's content: `epci` {siren: [name, type, [insee…]]}, `communes` {insee: name}, `aliases`
    {code: [current insee, kind]}."""
    current = {c["code"]: c["nom"] for c in communes if c["type"] == "commune-actuelle"}
    candidates: dict[str, tuple[int, str, str]] = {}

    def offer(alias: str, target: str, kind: str) -> None:
        if alias == target or alias in current or target not in current or not INSEE_COMMUNE.match(alias):
            return
        rank = ALIAS_PRECEDENCE[kind]
        held = candidates.get(alias)
        if held is None or rank < held[0]:
            candidates[alias] = (rank, target, kind)

    for c in communes:
        if c["type"] == "commune-actuelle":
            for former in c.get("anciensCodes", []):
                offer(former, c["code"], "ancien")
        elif c["type"] in _KIND:
            offer(c["code"], c.get("commune") or c.get("chefLieu") or "", _KIND[c["type"]])
    return {
        "epci": {e["code"]: [e["nom"], e["type"], sorted(m["code"] for m in e["membres"])] for e in epcis},
        "communes": current,
        "aliases": {alias: [target, kind] for alias, (_, target, kind) in candidates.items()},
    }


def build_bundle(tarball: bytes, *, millesime: int) -> bytes:
    """The gzipped JSON bundle of one npm tarball (deterministic: no timestamp, sorted keys)."""
    package = _read(tarball, "package.json")
    content = slim(_read(tarball, "data/epci.json"), _read(tarball, "data/communes.json"))
    document = {"package": package["name"], "version": package["version"], "millesime": millesime, **content}
    raw = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0)


def render_version(tarball: bytes, bundle: bytes, *, millesime: int) -> str:
    """`VERSION`: where the bundle comes from (package, version, millésime, tarball digests) and its counts."""
    package = _read(tarball, "package.json")
    data = json.loads(gzip.decompress(bundle))
    version = {
        "package": package["name"],
        "version": package["version"],
        "millesime": millesime,
        "tarball_sha1": hashlib.sha1(tarball, usedforsecurity=False).hexdigest(),
        "tarball_sha256": hashlib.sha256(tarball).hexdigest(),
        "bundle_sha256": hashlib.sha256(bundle).hexdigest(),
        "sources": "INSEE Code officiel géographique; DGCL, composition des EPCI à fiscalité propre",
        "counts": {
            "epci": len(data["epci"]),
            "memberships": sum(len(e[2]) for e in data["epci"].values()),
            "communes": len(data["communes"]),
            "aliases": len(data["aliases"]),
        },
    }
    return json.dumps(version, ensure_ascii=False, indent=2) + "\n"


class TarballMismatchError(ValueError):
    """The registry served a tarball whose SHA-256 is not the one `cog/VERSION` names: the bundle cannot be
    checked against it, and it is not cached."""


def tarball_url(version: str, registry: str | None = None) -> str:
    """The npm registry's address of the package's tarball (`<registry>/<name>/-/<basename>-<version>.tgz`)."""
    base = (registry or os.environ.get("TDI_NPM_REGISTRY") or NPM_REGISTRY).rstrip("/")
    return f"{base}/@etalab/decoupage-administratif/-/decoupage-administratif-{version}.tgz"


def cache_dir() -> Path:
    """The machine's download cache: `TDI_CACHE_DIR` or ~/.cache/tdi-platform (as the local stack's jars)."""
    return Path(os.environ.get("TDI_CACHE_DIR") or Path.home() / ".cache" / "tdi-platform")


def cached_tarball(cache: Path | None = None, *, registry: str | None = None, timeout_s: float = 60.0) -> Path:
    """The npm tarball the vendored bundle was built from (the version and SHA-256 of `cog/VERSION`), fetched
    from the registry into `<cache>/npm/` on first use. Raises OSError when the registry cannot be reached,
    TarballMismatchError when it serves other bytes (nothing is cached then)."""
    version = json.loads((COG_DIR / VERSION_FILE).read_text(encoding="utf-8"))
    expected = version["tarball_sha256"]
    target = (cache or cache_dir()) / "npm" / f"decoupage-administratif-{version['version']}.tgz"
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
        return target
    url = tarball_url(version["version"], registry)
    with urllib.request.urlopen(url, timeout=timeout_s) as answer:  # noqa: S310 (the registry's https, or a test's file://)
        data = answer.read()
    got = hashlib.sha256(data).hexdigest()
    if got != expected:
        raise TarballMismatchError(f"{url}: SHA-256 {got}, cog/VERSION names {expected}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a concurrent run reads the whole file or fetches its own
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help="the npm tarball (npm pack @etalab/decoupage-administratif@X)")
    parser.add_argument("--millesime", type=int, required=True, help="year of the COG the version carries")
    args = parser.parse_args()
    tarball = args.tarball.read_bytes()
    bundle = build_bundle(tarball, millesime=args.millesime)
    (COG_DIR / BUNDLE_FILE).write_bytes(bundle)
    (COG_DIR / VERSION_FILE).write_text(render_version(tarball, bundle, millesime=args.millesime), encoding="utf-8")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        licence = tar.extractfile("package/LICENSE")
        if licence is not None:
            (COG_DIR / "LICENSE").write_bytes(licence.read())


if __name__ == "__main__":
    main()
