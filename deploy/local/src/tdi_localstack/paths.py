"""Where the local stack keeps downloads (a cache outside git, reused across clones) and run data."""

import os
from pathlib import Path


def repo_root() -> Path:
    """The workspace root: the nearest parent holding uv.lock (falls back to the current directory)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "uv.lock").exists() and (parent / "contracts").is_dir():
            return parent
    return Path.cwd()


def cache_dir() -> Path:
    """Downloaded jars live here, once per machine: `TDI_CACHE_DIR` or ~/.cache/tdi-platform."""
    base = os.environ.get("TDI_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "tdi-platform")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path
