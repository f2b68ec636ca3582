"""Which failures are retried (database or broker away) and which are the event's fault."""

import uuid

import asyncpg

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.errors import DomainError, is_transient


def _unique_violation(table: str) -> asyncpg.UniqueViolationError:
    error = asyncpg.UniqueViolationError("duplicate key")
    error.table_name = table
    return error


def test_a_lost_connection_is_transient_and_a_business_rule_is_not():
    assert is_transient(ConnectionRefusedError())
    assert is_transient(asyncpg.CannotConnectNowError("starting up"))
    assert not is_transient(DomainError(ErrorCode.ENVELOPE_CEILING_EXCEEDED))
    assert not is_transient(ValueError("bug"))


def test_a_racing_consumer_on_the_inbox_is_retried_but_a_duplicate_business_key_is_not():
    assert is_transient(_unique_violation("inbox"))
    assert not is_transient(_unique_violation("grants"))


def test_a_domain_error_is_a_code_of_the_catalogue_with_its_sentence_and_a_detail():
    error = DomainError(ErrorCode.UNKNOWN_TERRITORY, "Reçu : ti-0.", field="territory_id", value="ti-0")
    assert error.code == "UNKNOWN_TERRITORY"
    assert error.message == f"{REASONS[ErrorCode.UNKNOWN_TERRITORY]} Reçu : ti-0."
    assert error.details == {"field": "territory_id", "value": "ti-0"}
    assert error.http_status == 404, "the status is the catalogue's"


def test_a_domain_error_without_detail_says_the_catalogue_sentence_alone():
    error = DomainError(ErrorCode.VTE_NOT_ELIGIBLE)
    assert (error.message, error.details, error.http_status) == (REASONS[ErrorCode.VTE_NOT_ELIGIBLE], {}, 422)
    assert str(error) == error.message


def test_a_quoted_value_never_breaks_the_answer_that_quotes_it():
    error = DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value="ti-\x00\n" + "x" * 500)
    assert "\x00" not in error.details["value"] and "\n" not in error.details["value"]
    assert len(error.details["value"]) <= 200
    assert DomainError(ErrorCode.UNKNOWN_AGGREGATE, value=uuid.UUID(int=1)).details == {"value": str(uuid.UUID(int=1))}
