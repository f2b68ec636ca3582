"""Every service's API documentation (`/docs`) is served whole by the service itself: no CDN, no inline script."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

VENDOR = Path(__file__).parents[2] / "src" / "tdi_runtime" / "docs_assets" / "swagger-ui-dist"


class _Refs(HTMLParser):
    """Every URL the page makes the browser load, and the body of every script written in the page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if found.get(name):
                self.urls.append(str(found[name]))
        self._in_script = tag == "script" and not found.get("src")
        if self._in_script:
            self.inline_scripts.append("")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


@pytest.fixture(scope="module")
def client() -> TestClient:
    router = APIRouter()

    @router.get("/territories", summary="The territories")
    def territories() -> dict[str, str]:
        return {}

    settings = ServiceSettings.for_service("territory")
    app = create_service_app(settings, title="Territoires d'industrie — territory", description="d", routers=[router])
    return TestClient(app)


def _page(client: TestClient) -> _Refs:
    answer = client.get("/docs")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    refs = _Refs()
    refs.feed(answer.text)
    return refs


def test_the_docs_page_loads_nothing_from_outside_the_service(client):
    refs = _page(client)
    assert refs.urls, "the page names its scripts and styles"
    outside = [url for url in refs.urls if re.match(r"^([a-z]+:)?//", url)]
    assert outside == []
    assert all(url.startswith("/docs/assets/") for url in refs.urls)


def test_the_docs_page_has_no_inline_script_so_script_src_self_is_enough(client):
    assert _page(client).inline_scripts == []


def test_every_file_the_docs_page_names_is_served_by_the_service(client):
    for url in _page(client).urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.content, url
    for url in _page(client).urls:
        if url.endswith(".js"):
            assert client.get(url).headers["content-type"].startswith("text/javascript")
        if url.endswith(".css"):
            assert client.get(url).headers["content-type"].startswith("text/css")


def test_the_swagger_ui_served_is_the_vendored_npm_package_byte_for_byte(client):
    served = client.get("/docs/assets/swagger-ui-dist/swagger-ui-bundle.js").content
    assert served == (VENDOR / "swagger-ui-bundle.js").read_bytes()
    vendored = (VENDOR / "VENDORED.md").read_text(encoding="utf-8")
    assert "swagger-ui-dist" in vendored and "Apache-2.0" in vendored
    assert re.search(r"version\W+5\.\d+\.\d+", vendored)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"):
        digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in vendored, f"VENDORED.md lists the SHA-256 of {name}"


def test_no_other_path_under_the_assets_reaches_the_file_system(client):
    refused = [
        "/docs/assets/../../service.py",
        "/docs/assets/%2e%2e/service.py",
        "/docs/assets/swagger-ui-dist/package.json",
        "/docs/assets/swagger-ui-dist/swagger-ui-bundle.js.map",
    ]
    for path in refused:
        assert client.get(path).status_code == 404, path


def test_the_openapi_document_still_lists_the_routes_and_redoc_is_off(client):
    assert "/territories" in client.get("/openapi.json").json()["paths"]
    assert client.get("/redoc").status_code == 404
