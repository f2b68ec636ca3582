"""Which optional routes this service has, read from its own OpenAPI document: the dashboard shows a control (the
« Situation au » date, the monthly series, « d'où vient ce chiffre ? », the alerts, the report) only when the route
behind it exists, so that a page and a backend of different ages never meet a 404."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI


def capabilities(app: FastAPI) -> dict[str, bool]:
    paths: dict[str, Any] = app.openapi().get("paths", {})  # built once, then cached by FastAPI
    figures = {p.get("name") for p in paths.get("/api/figures", {}).get("get", {}).get("parameters", [])}
    return {
        "situation_au": "as_of" in figures,
        "series": any(p.startswith("/api/series/") for p in paths),
        "lignee": "/api/lineage" in paths,
        "alertes": "/api/alerts" in paths,
        "rapport": any(p.startswith("/api/reports/") for p in paths),
    }
