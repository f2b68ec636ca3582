"""The Data Package (frictionless) listing every file of the open data in its three forms, with its Table Schema,
at `/donnees-ouvertes/datapackage.json`: what a citizen, a journalist or a tool (data.gouv.fr, Validata) starts
from. Paths are relative to the package's own address."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tdi_reporting.opendata.files import Form
from tdi_reporting.opendata.schema import LICENCE, SCHEMA_VERSION, Dataset

PACKAGE = "territoires-d-industrie"
FORMS = {  # form -> (resource name suffix, path suffix, format, media type, dialect, title suffix)
    Form.CSV: ("", ".csv", "csv", "text/csv", {"delimiter": ","}, "CSV, séparateur virgule, UTF-8"),
    Form.CSV_SEMICOLON: (
        "-point-virgule",
        "-point-virgule.csv",
        "csv",
        "text/csv",
        {"delimiter": ";"},
        "CSV pour tableur, séparateur point-virgule, UTF-8 avec BOM",
    ),
    Form.XLSX: (
        "-xlsx",
        ".xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        None,
        "classeur XLSX",
    ),
}


def path_of(dataset: Dataset, form: Form) -> str:
    return dataset.slug + FORMS[form][1]


def _resource(dataset: Dataset, form: Form) -> dict[str, Any]:
    suffix, _, fmt, mediatype, dialect, title = FORMS[form]
    out: dict[str, Any] = {
        "name": dataset.slug + suffix,
        "title": f"{dataset.title} ({title})",
        "description": dataset.description,
        "path": path_of(dataset, form),
        "format": fmt,
        "mediatype": mediatype,
        "schema": f"{dataset.slug}.schema.json",
    }
    if dialect is not None:
        out |= {"encoding": "utf-8", "dialect": dialect}
    return out


def data_package(
    datasets: Iterable[Dataset], producer: str, changed: datetime | None, homepage: str | None
) -> dict[str, Any]:
    """The descriptor; `created` is the instant of the last change the files reflect."""
    out: dict[str, Any] = {
        "name": PACKAGE,
        "title": "Territoires d'industrie : territoires labellisés et chiffres du programme",
        "description": (
            "Données ouvertes du programme Territoires d'industrie (Temps II, 2023-2027) : les territoires avec leurs "
            "régions, départements, EPCI et communes, et les chiffres du programme (fiches actions, financements, "
            "volontariat territorial en entreprise) par territoire, département et région. Montants en euros avec un "
            "point décimal ; codes INSEE et SIREN en texte. Chaque fichier est décrit par son schéma (Table Schema)."
        ),
        "keywords": ["territoires d'industrie", "industrie", "ANCT", "EPCI", "données ouvertes"],
        "countryCode": "FR",
        "licenses": [LICENCE],
        "contributors": [{"title": producer, "role": "author"}],
        "version": SCHEMA_VERSION,
        "resources": [_resource(d, form) for d in datasets for form in Form],
    }
    if changed is not None:
        out["created"] = changed.strftime("%Y-%m-%dT%H:%M:%SZ")
    if homepage:
        out["homepage"] = homepage
    return out
