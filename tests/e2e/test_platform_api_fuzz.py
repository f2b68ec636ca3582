"""Property-based HTTP fuzz of every route of the five services (issue 21): any input gets an answer, never a 5xx,
and every refusal carries a stable code and a French message.

Each service runs as a real process (`conftest.http_platform`). Requests are drawn by schemathesis from each
service's own OpenAPI document, valid and malformed alike (`operation.as_strategy`, driven by Hypothesis), sent
with a token of each role, a wrong one or none; then, in about half of them, one string of the path, the query or
the body (a key too) gets a control character: NUL, another C0 control, DEL, a C1 control, a lone surrogate,
and the line breaks a free text may hold.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from tdi_contracts.errors import ErrorCode
from tdi_localstack.provisioning import SERVICES

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

EXAMPLES = 60
"""Per operation: 54 operations, about 3,200 requests. Measured on the two shared cores: 26 s of requests on a quiet
machine (load 2.6), 173 s beside other test runs (load 20); plus about 45 s to start the five services."""
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\t", "\n", "\r", "\ud800"]
CODES = {c.value for c in ErrorCode}
FRENCH = re.compile(
    r"(?i)\b(le|la|les|l'|de|du|des|d'|un|une|est|sont|doit|pas|ce|cet|cette|aucun|aucune|en|ou|au|aux|votre|à"
    r"|invalides?|attendue?s?|inconnue?s?|obligatoires?|absente?s?|trop|valeurs?|champs?|jeton|requête|caractère"
    r"|colonnes?|fichier)\b"
)
ENGLISH = ("Input should", "Field required", "Not Found", "Internal Server Error", "Method Not Allowed", "Value error")
NEVER_ENDS = {("GET", "/api/feed")}
"""The SSE feed streams until the client leaves: only its status and, for a refusal, its body are read."""


def bearers(tokens: dict[str, str]) -> st.SearchStrategy[str | None]:
    valid = [f"Bearer {tokens['staff']}"] * 4 + [f"Bearer {t}" for r, t in tokens.items() if r != "staff"]
    odd = [None, "Bearer nope", "Bearer é", "Bearer ", "Basic c3RhZmY6", "Bearer a.b.c"]
    return st.sampled_from(valid + odd)


def _slots(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Every string of a request part, and every key of its objects, with where it is."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        found = [((*path, ("key", k)), k) for k in value if isinstance(k, str)]
        return found + [s for k, v in value.items() for s in _slots(v, (*path, k))]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _slots(v, (*path, i))]
    return []


def _replaced(value: Any, path: tuple[Any, ...], new: str) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(head, tuple) and head[0] == "key":
        return {(new if k == head[1] else k): v for k, v in value.items()}
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replaced(copy[head], rest, new)
    return copy


def send(case: Any, url: str, bearer: str | None, poisoned: tuple[int, str, int] | None) -> tuple[Any, str]:
    """Send the case, one of its strings (path, query, body; a key too) poisoned with a control character first.

    The path is poisoned in the case (schemathesis quotes it into the URL); the query and the body in what is
    sent, after schemathesis serialised them (a lone surrogate is JSON's escape `\\ud800` in a body; a URL cannot
    carry one: NUL instead)."""
    slots = [("path", (k,), v) for k, v in (case.path_parameters or {}).items() if isinstance(v, str)]
    slots += [("query", p, v) for p, v in _slots(case.query or {})]
    if not isinstance(case.body, bytes):
        slots += [("body", p, v) for p, v in _slots(case.body)]
    part, path, where, new = "", (), "unpoisoned", ""
    if poisoned and slots:
        choice, character, position = poisoned
        part, path, text = slots[choice % len(slots)]
        if part != "body" and "\ud800" <= character <= "\udfff":
            character = "\x00"
        at = position % (len(text) + 1)
        new, where = text[:at] + character + text[at:], f"{part}{list(path)} U+{ord(character):04X}"
        if part == "path":
            case.path_parameters = _replaced(case.path_parameters, path, new)
    headers = {"Authorization": bearer} if bearer is not None else {}
    kwargs = case.as_transport_kwargs(base_url=url, headers=headers)
    if part == "query":
        kwargs["params"] = _replaced(kwargs["params"], path, new)
    body = _replaced(case.body, path, new) if part == "body" else case.body
    if "json" in kwargs:  # as bytes: a lone surrogate reaches the server as JSON's escape
        kwargs.pop("json")
        kwargs["data"] = json.dumps(body).encode()
        kwargs["headers"]["Content-Type"] = "application/json"
    elif part == "body" and isinstance(body, str):
        kwargs["data"] = body.encode("utf-8", "surrogatepass")
    if bearer is not None:
        kwargs["headers"]["Authorization"] = bearer.encode("latin-1")
    return requests.request(**kwargs, stream=True, timeout=60), where


def check_answer(response: requests.Response, streams: bool, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:500]}"
    if response.status_code < 400:
        if streams:
            response.close()
        return
    body = response.json()
    assert body.get("code") in CODES, f"{what}: undeclared or missing code: {body}"
    field_messages = [e["message"] for e in body.get("errors", []) if "message" in e]  # details carry none
    for message in [body.get("message", ""), *field_messages]:
        assert FRENCH.search(message) and not any(e in message for e in ENGLISH), f"{what}: not French: {body}"


def fuzz(operation: Any, url: str, tokens: dict[str, str]) -> None:
    """`EXAMPLES` requests to one operation, valid and malformed, about half of them poisoned."""
    streams = (operation.method.upper(), operation.path) in NEVER_ENDS
    cases = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)
    poisons = st.none() | st.tuples(st.integers(0, 10_000), st.sampled_from(CONTROLS), st.integers(0, 10_000))

    @given(case=cases, bearer=bearers(tokens), poisoned=poisons)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def answers_cleanly(case: Any, bearer: str | None, poisoned: tuple[int, str, int] | None) -> None:
        response, where = send(case, url, bearer, poisoned)
        sent = f"query={case.query} body={str(case.body)[:300]}"
        check_answer(response, streams, f"{case.method} {case.formatted_path} {sent} ({where}, {bearer!r})")

    answers_cleanly()


@pytest.mark.parametrize("service", SERVICES)
def test_any_input_to_any_route_is_answered_without_a_server_error_and_with_a_stable_code(http_platform, service):
    url = http_platform.urls[service]
    api = schemathesis.openapi.from_url(f"{url}/openapi.json")
    started, checked = time.monotonic(), []
    for found in api.get_all_operations():
        operation = found.ok()
        fuzz(operation, url, http_platform.tokens)
        checked.append(f"{operation.method.upper()} {operation.path}")
    seconds = time.monotonic() - started
    print(f"\n[fuzz] {service}: {len(checked)} operations x {EXAMPLES} requests in {seconds:.0f} s: {checked}")
    assert checked
