"""Which failures are retried (database or broker away) and which are the event's fault."""

import asyncpg

from tdi_runtime.errors import DomainError, is_transient


def _unique_violation(table: str) -> asyncpg.UniqueViolationError:
    error = asyncpg.UniqueViolationError("duplicate key")
    error.table_name = table
    return error


def test_a_lost_connection_is_transient_and_a_business_rule_is_not():
    assert is_transient(ConnectionRefusedError())
    assert is_transient(asyncpg.CannotConnectNowError("starting up"))
    assert not is_transient(DomainError("Le plafond est dépassé.", code="ENVELOPE_CEILING_EXCEEDED"))
    assert not is_transient(ValueError("bug"))


def test_a_racing_consumer_on_the_inbox_is_retried_but_a_duplicate_business_key_is_not():
    assert is_transient(_unique_violation("inbox"))
    assert not is_transient(_unique_violation("grants"))


def test_a_domain_error_carries_a_stable_code_and_a_french_sentence():
    error = DomainError("L'EPCI 200067213 est déjà membre d'un autre territoire.", code="EPCI_ALREADY_IN_TERRITORY")
    assert error.code == "EPCI_ALREADY_IN_TERRITORY"
    assert error.message.startswith("L'EPCI")
