"""actions' error classes (until it is on the pipeline, issue 23) answer with the catalogue's HTTP status, so
that raising `DomainError(ErrorCode.X)` instead keeps every answer's status."""

from __future__ import annotations

import inspect

import pytest

from tdi_actions import domain_errors
from tdi_contracts.errors import ErrorCode, http_status_of
from tdi_runtime.errors import DomainError

CLASSES = [
    c
    for _, c in inspect.getmembers(domain_errors, inspect.isclass)
    if issubclass(c, DomainError) and getattr(c, "code", None) in ErrorCode.__members__
]


def test_actions_declares_error_classes_of_the_catalogue():
    assert len(CLASSES) > 10


@pytest.mark.parametrize("error", CLASSES, ids=lambda c: c.__name__)
def test_an_error_class_answers_with_the_status_the_catalogue_gives_its_code(error):
    assert error.http_status == http_status_of(ErrorCode(error.code))
