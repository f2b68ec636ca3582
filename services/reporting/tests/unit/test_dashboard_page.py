"""The dashboard page in the State's design system (issue 26): the vendored DSFR files it links are the ones the
service serves, from a fixed list; outside a State site (the default) neither the bloc marque nor a Marianne file."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tdi_reporting.dashboard import build_dashboard_router
from tdi_reporting.options import ReportingOptions
from tdi_reporting.vendored import DSFR_FONTS, DSFR_ICONS
from tdi_runtime.http import install_error_handlers

STATIC = resources.files("tdi_reporting").joinpath("static")
FONT_FACE = re.compile(r"@font-face\{([^}]*)\}")


def client(state_identity: bool) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(build_dashboard_router(ReportingOptions(state_identity=state_identity)))
    return TestClient(app)


def faces(css: str) -> set[tuple[str, str, str]]:
    """(family, weight, style) of every @font-face of a stylesheet."""
    found = set()
    for block in FONT_FACE.findall(css.replace("\n", "")):
        descriptors = dict(d.split(":", 1) for d in (x.strip() for x in block.split(";")) if ":" in d)
        descriptors = {k.strip(): v.strip().strip("\"'") for k, v in descriptors.items()}
        found.add((descriptors["font-family"], descriptors.get("font-weight", "400"), descriptors["font-style"]))
    return found


def test_every_icon_the_dsfr_stylesheet_refers_to_is_served_and_listed():
    css = STATIC.joinpath("vendor/dsfr/dsfr.min.css").read_text(encoding="utf-8")
    referred = {u for u in re.findall(r"url\(([^)\"']+)\)", css) if u.startswith("icons/")}
    assert referred == set(DSFR_ICONS)
    http = client(state_identity=False)
    for icon in sorted(referred):
        answer = http.get(f"/static/vendor/dsfr/{icon}")
        assert answer.status_code == 200, icon
        assert answer.headers["content-type"].startswith("image/svg+xml")


def test_every_file_the_page_links_is_served():
    for state_identity in (False, True):
        http = client(state_identity)
        page = http.get("/tableau-de-bord").text
        linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
        assert any("dsfr.min.css" in u for u in linked) and any("dsfr.module.min.js" in u for u in linked)
        for url in linked:
            assert http.get(url).status_code == 200, url


def test_outside_a_state_site_no_bloc_marque_no_marianne_file_and_the_header_names_the_platform():
    http = client(state_identity=False)
    page = http.get("/tableau-de-bord").text
    assert "Territoires d'industrie — pilotage" in page
    assert "République" not in page and "fr-logo" not in page
    assert "/static/dsfr-sans-marianne.css" in page
    assert page.index("dsfr.min.css") < page.index("dsfr-sans-marianne.css")  # the override comes after
    for font in DSFR_FONTS:
        assert http.get(f"/static/vendor/dsfr/{font}").status_code == 404, font
    assert http.get("/static/vendor/dsfr/favicon/favicon.svg").status_code == 404
    assert http.get("/favicon.svg").content == STATIC.joinpath("favicon.svg").read_bytes()  # the platform's own


def test_the_override_stylesheet_redeclares_every_dsfr_font_face_with_local_fonts_only():
    dsfr = STATIC.joinpath("vendor/dsfr/dsfr.min.css").read_text(encoding="utf-8")
    override = STATIC.joinpath("dsfr-sans-marianne.css").read_text(encoding="utf-8")
    assert faces(dsfr) and faces(override) == faces(dsfr)
    assert "url(" not in override
    assert 'local("Arial")' in override and 'local("Liberation Sans")' in override


def test_a_state_site_shows_the_bloc_marque_and_serves_the_marianne_fonts_and_the_state_favicon():
    http = client(state_identity=True)
    page = http.get("/tableau-de-bord").text
    assert "fr-logo" in page and "République" in page and "française" in page
    assert "dsfr-sans-marianne.css" not in page
    for font in DSFR_FONTS:
        answer = http.get(f"/static/vendor/dsfr/{font}")
        assert answer.status_code == 200 and answer.headers["content-type"] == "font/woff2", font
    vendored = STATIC.joinpath("vendor/dsfr/favicon/favicon.svg").read_bytes()
    assert http.get("/favicon.svg").content == vendored


@pytest.mark.parametrize("path", ["../dashboard.py", "vendor/dsfr/../../dashboard.html", "vendor/dsfr/cgu.md.bak"])
def test_no_other_path_reaches_the_file_system(path):
    assert client(state_identity=True).get(f"/static/{path}").status_code == 404


def test_the_page_is_french_and_runs_no_inline_script():
    page = client(state_identity=False).get("/tableau-de-bord").text
    assert re.search(r'<html lang="fr"', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline script"
    assert "<style" not in page and " on" + "click=" not in page
