"""The dashboard lights up a control once the route behind it exists: the service reads its own OpenAPI document
(figures as of a date, monthly series, lineage, alerts, the steering committee's report)."""

from __future__ import annotations

import inspect

from fastapi import APIRouter, FastAPI

from tdi_reporting.capabilities import capabilities

NONE = {"situation_au": False, "series": False, "lignee": False, "alertes": False, "rapport": False}


def app_with(*routes: tuple[str, list[str]]) -> FastAPI:
    app, router = FastAPI(), APIRouter()
    for path, params in routes:

        def endpoint(**_: str) -> dict[str, str]:
            return {}

        keyword = inspect.Parameter.KEYWORD_ONLY
        endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(p, keyword, annotation=str | None, default=None) for p in params]
        )
        router.add_api_route(path, endpoint, methods=["GET"])
    app.include_router(router)
    return app


def test_a_service_without_the_insight_routes_shows_none_of_their_controls():
    app = app_with(("/api/figures", ["region", "departement", "territory"]))
    assert capabilities(app) == NONE


def test_each_route_that_exists_lights_its_control():
    app = app_with(
        ("/api/figures", ["region", "as_of"]),
        ("/api/series/{read_model}", ["read_model", "level"]),
        ("/api/lineage", ["read_model", "measure"]),
        ("/api/alerts", []),
        ("/api/reports/{zone}.{fmt}", ["zone", "fmt", "as_of"]),
    )
    assert capabilities(app) == dict.fromkeys(NONE, True)


def test_the_report_alone_does_not_light_the_date_control():
    app = app_with(("/api/figures", ["region"]), ("/api/reports/{zone}.{fmt}", ["zone", "fmt", "as_of"]))
    assert capabilities(app) == {**NONE, "rapport": True}
