"""The error catalogue: every code has its French sentence and its HTTP status, one each."""

from __future__ import annotations

import pytest

from tdi_contracts.errors import HTTP_STATUS, REASONS, ErrorCode, http_status_of


def test_every_code_has_one_french_sentence():
    assert set(REASONS) == set(ErrorCode)
    assert all(sentence.strip() and sentence[0].isupper() for sentence in REASONS.values())


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (ErrorCode.UNKNOWN_TERRITORY, 404),
        (ErrorCode.UNKNOWN_AGGREGATE, 404),
        (ErrorCode.EPCI_ALREADY_IN_TERRITORY, 409),
        (ErrorCode.ENVELOPE_CEILING_EXCEEDED, 409),
        (ErrorCode.OUT_OF_REGION, 403),
        (ErrorCode.TOKEN_EXPIRED, 401),
        (ErrorCode.ACCESS_TOKEN_IN_URL, 400),
        (ErrorCode.SERVICE_UNAVAILABLE, 503),
        (ErrorCode.VTE_NOT_ELIGIBLE, 422),
        (ErrorCode.CONFLICTING_REDELIVERY, 422),
    ],
)
def test_a_code_answers_http_with_the_status_of_the_catalogue(code, status):
    assert http_status_of(code) == status


def test_the_catalogue_names_only_client_or_server_errors():
    assert all(400 <= status < 600 for status in HTTP_STATUS.values())
    assert {http_status_of(code) for code in ErrorCode} <= {400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503}
