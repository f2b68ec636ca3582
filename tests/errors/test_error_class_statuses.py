"""The error classes of the services not yet on the pipeline (issue 23) answer with the catalogue's HTTP status, so
that raising `DomainError(ErrorCode.X)` instead, once a service is ported, keeps every answer's status."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

from tdi_actions import domain_errors as actions_errors
from tdi_contracts.errors import ErrorCode, http_status_of
from tdi_runtime.errors import DomainError
from tdi_territory import domain_errors as territory_errors

MODULES = {"actions": actions_errors, "territory": territory_errors}


def _classes(module: ModuleType) -> list[type[DomainError]]:
    return [
        c
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, DomainError) and getattr(c, "code", None) in ErrorCode.__members__
    ]


@pytest.mark.parametrize("service", sorted(MODULES))
def test_each_service_declares_error_classes_of_the_catalogue(service: str):
    assert len(_classes(MODULES[service])) > 10


@pytest.mark.parametrize(
    "error", [c for m in MODULES.values() for c in _classes(m)], ids=lambda c: f"{c.__module__}.{c.__name__}"
)
def test_an_error_class_answers_with_the_status_the_catalogue_gives_its_code(error: type[DomainError]):
    assert error.http_status == http_status_of(ErrorCode(error.code))
