"""Vendor the Système de design de l'État (npm `@gouvfr/dsfr`) into the reporting service's static files.

    uv run --frozen python services/reporting/tools/vendor_dsfr.py path/to/gouvfr-dsfr-1.15.3.tgz

`npm pack @gouvfr/dsfr@1.15.3` gives the tarball (it runs no install script: the terms of use are accepted in the
repository's `.dsfr.yml`, a recorded decision, not a side effect). Copies, keeping the DSFR's relative layout
(`fonts/` and `icons/` beside the CSS): the CSS of every component, the JS (module and nomodule), the icons the CSS
refers to, the Marianne/Spectral fonts (woff2, served only in State mode), the State favicon (State mode only), the
licence, the terms of use and `package.json`; then rewrites `tdi_reporting/vendored.py`, the explicit list of files
the service may serve (`test_vendored.py` checks it against the CSS).
"""

from __future__ import annotations

import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src" / "tdi_reporting"
TARGET = HERE / "static" / "vendor" / "dsfr"
ALWAYS = ("dist/dsfr.min.css", "dist/dsfr.module.min.js", "dist/dsfr.nomodule.min.js")
FAVICON = ("favicon.svg", "favicon.ico", "apple-touch-icon.png")
ABOUT = {"LICENSE.md": "LICENSE.md", "doc/legal/cgu.md": "cgu.md", "package.json": "package.json"}
URL = re.compile(r"url\(([^)\"']+)\)")


def main(tarball: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        for name in ALWAYS:
            shutil.copy(package / name, TARGET / Path(name).name)
        css = (package / "dist/dsfr.min.css").read_text(encoding="utf-8")
        urls = sorted({u for u in URL.findall(css) if not u.startswith("data:")})
        icons = [u for u in urls if u.startswith("icons/")]
        fonts = [u for u in urls if u.startswith("fonts/") and u.endswith(".woff2")]
        for path in [*icons, *fonts]:
            (TARGET / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(package / "dist" / path, TARGET / path)
        (TARGET / "favicon").mkdir()
        for name in FAVICON:
            shutil.copy(package / "dist/favicon" / name, TARGET / "favicon" / name)
        for source, name in ABOUT.items():
            shutil.copy(package / source, TARGET / name)
    _write_manifest(icons, fonts)
    _write_font_override(css)


FACE = re.compile(r"@font-face\{([^}]*)\}")
OVERRIDE = HERE / "static" / "dsfr-sans-marianne.css"


def _write_font_override(css: str) -> None:
    """Outside a State site: the DSFR's font faces (same family, weight, style) on local fonts, so `dsfr.min.css`
    asks for no Marianne or Spectral file (loaded after it, these declarations win)."""
    out = [
        "/* Non-State mode (TDI_REPORTING_STATE_IDENTITY=false): the DSFR's @font-face declarations again, on local",
        "   fonts with Arial's metrics (the DSFR's own fallback), so no Marianne or Spectral file is asked for.",
        "   Written by services/reporting/tools/vendor_dsfr.py from dsfr.min.css: do not edit. */",
    ]
    for block in FACE.findall(css):
        kept = [d for d in block.split(";") if d and not d.startswith("src:")]
        out.append("@font-face{" + ";".join([*kept, 'src:local("Arial"),local("Liberation Sans")']) + "}")
    OVERRIDE.write_text("\n".join(out) + "\n", encoding="utf-8")


def _write_manifest(icons: list[str], fonts: list[str]) -> None:
    lines = [
        '"""The vendored DSFR files the reporting service serves (written by `tools/vendor_dsfr.py`: do not edit)."""',
        "",
        'DSFR = "vendor/dsfr/"',
        'DSFR_CORE = ("dsfr.min.css", "dsfr.module.min.js", "dsfr.nomodule.min.js")',
        "DSFR_ICONS = (",
        *[f'    "{u}",' for u in icons],
        ")",
        '"""Every icon `dsfr.min.css` refers to (and no other)."""',
        "DSFR_FONTS = (",
        *[f'    "{u}",' for u in fonts],
        ")",
        '"""Marianne and Spectral (woff2): served only in State mode (`TDI_REPORTING_STATE_IDENTITY`)."""',
        "DSFR_FAVICON = (" + ", ".join(f'"favicon/{n}"' for n in FAVICON) + ")",
        '"""The State favicon: State mode only."""',
        'DSFR_ABOUT = ("LICENSE.md", "cgu.md", "package.json")',
        "",
    ]
    (HERE / "vendored.py").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
