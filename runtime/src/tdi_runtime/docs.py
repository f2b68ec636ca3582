"""The API documentation page (`/docs`) of every service, served whole by the service itself.

Swagger UI comes from the npm package `swagger-ui-dist`, vendored in `docs_assets/swagger-ui-dist/` (version,
source, licence and checksums in its `VENDORED.md`): no CDN, so the page works on a closed network. The page has
no inline script (its start-up is `docs_assets/swagger-init.js`), so `script-src 'self'` is enough. ReDoc is off.
"""

from __future__ import annotations

import functools
import html
import json
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import swagger_ui_default_parameters
from fastapi.responses import HTMLResponse, Response

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError

ASSETS_URL = "/docs/assets"
FILES = {
    "swagger-ui-dist/swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-dist/swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-dist/favicon-32x32.png": "image/png",
    "swagger-ui-dist/LICENSE": "text/plain; charset=utf-8",
    "swagger-ui-dist/NOTICE": "text/plain; charset=utf-8",
    "swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt": "text/plain; charset=utf-8",
    "swagger-ui-dist/VENDORED.md": "text/markdown; charset=utf-8",
    "swagger-init.js": "text/javascript; charset=utf-8",
}
"""The only files served: a fixed list, so no path from a request ever reaches the file system."""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui-dist/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/swagger-ui-dist/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}" data-parameters="{parameters}"></div>
<script src="{assets}/swagger-ui-dist/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-init.js"></script>
</body>
</html>
"""


@functools.cache
def _asset(path: str) -> bytes:
    return resources.files("tdi_runtime").joinpath("docs_assets", *path.split("/")).read_bytes()


def install_api_docs(app: FastAPI) -> None:
    """`GET /docs` (Swagger UI on the app's OpenAPI document) and `GET /docs/assets/…` (its vendored files).

    Build the app with `docs_url=None, redoc_url=None` so FastAPI's CDN-loading pages are not served.
    """

    @app.get("/docs", include_in_schema=False)
    async def api_docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        page = PAGE.format(
            title=html.escape(f"{app.title} — API"),
            assets=html.escape(root + ASSETS_URL),
            openapi=html.escape(root + (app.openapi_url or "/openapi.json")),
            parameters=html.escape(json.dumps(swagger_ui_default_parameters)),
        )
        return HTMLResponse(page)

    @app.get(ASSETS_URL + "/{path:path}", include_in_schema=False)
    async def api_docs_asset(path: str) -> Response:
        if path not in FILES:
            raise DomainError(ErrorCode.NOT_FOUND, "Ce fichier n'existe pas.")
        return Response(_asset(path), media_type=FILES[path], headers={"Cache-Control": "public, max-age=3600"})
