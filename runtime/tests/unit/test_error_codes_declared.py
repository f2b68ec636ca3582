"""Every error code the kit or a service can raise is declared in the contracts, with its French sentence.

The scan reads the sources of the kit and of every service at test time, so a code added anywhere without
its line in `tdi_contracts.errors.ErrorCode` + `REASONS` fails here (and would otherwise reach partners and
dead letters as INTERNAL_ERROR).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from tdi_contracts.errors import REASONS, ErrorCode

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "runtime" / "src", *sorted((ROOT / "services").glob("*/src"))]
CODE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
ERROR_BASES = {"DomainError"}  # and, found by the scan, every class deriving from it
CODE_CALLS = {"Violation", "error_body", "_refusal"}  # the kit's helpers taking a code as first string


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _error_classes(trees: list[ast.Module]) -> set[str]:
    bases = {
        c.name: {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in c.bases}
        for tree in trees
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef)
    }
    errors, grew = set(ERROR_BASES), True
    while grew:
        found = {name for name, parents in bases.items() if parents & errors}
        grew, errors = not found <= errors, errors | found
    return errors


def codes_in(trees: list[ast.Module], errors: set[str] | None = None) -> dict[str, int]:
    """Code -> number of places: `code="X"` keywords, `code = "X"` on DomainError classes, `{"code": "X"}`,
    `Violation("X", …)`-like calls, `ErrorCode.X`, and the kit's (code, sentence) HTTP tables."""
    errors, found = errors or _error_classes(trees), {}
    for tree in trees:
        for node in ast.walk(tree):
            codes: list[str | None] = []
            if isinstance(node, ast.Call):
                codes += [_string(k.value) for k in node.keywords if k.arg == "code"]
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in CODE_CALLS:
                    codes += [next((s for a in node.args if (s := _string(a)) and CODE.match(s)), None)]
            elif isinstance(node, ast.ClassDef) and node.name in errors:
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign | ast.AnnAssign):
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        if any(getattr(t, "id", "") == "code" for t in targets):
                            codes.append(_string(stmt.value))
            elif isinstance(node, ast.Dict):
                codes += [_string(v) for k, v in zip(node.keys, node.values, strict=True) if _string(k) == "code"]
            elif isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "ErrorCode":
                codes.append(node.attr)
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2:  # ("NOT_FOUND", "Cette adresse …")
                first, second = (_string(e) for e in node.elts)
                if first and second and CODE.match(first) and " " in second and "_" in first:
                    codes.append(first)
            for code in codes:
                if code and CODE.match(code):
                    found[code] = found.get(code, 0) + 1
    return found


@functools.cache
def _all_error_classes() -> set[str]:
    """DomainError's subclasses across the kit and every service (a service may derive from the kit's)."""
    return _error_classes(_trees(SOURCES))


def _trees(folders: list[Path]) -> list[ast.Module]:
    return [ast.parse(p.read_text(encoding="utf-8"), str(p)) for f in folders for p in sorted(f.rglob("*.py"))]


@pytest.mark.parametrize("folder", SOURCES, ids=lambda f: f.parent.name)
def test_every_code_raised_by_the_kit_or_a_service_is_declared_in_the_contracts(folder: Path) -> None:
    declared = {c.value for c in ErrorCode}
    used = codes_in(_trees([folder]), _all_error_classes())
    missing = sorted(set(used) - declared)
    assert not missing, (
        f"codes raised but not declared: {missing}. Add each to ErrorCode and REASONS (a French sentence) in "
        "contracts/src/tdi_contracts/errors.py, then run `python -m tdi_contracts.schemas_export`."
    )


def test_the_scan_finds_the_codes_the_kit_raises() -> None:
    used = codes_in(_trees(SOURCES[:1]))
    kit = {"DOMAIN_RULE_VIOLATED", "NOT_FOUND", "FORBIDDEN", "MALFORMED_REQUEST", "INVALID_REQUEST"}
    kit |= {"REQUEST_IN_PROGRESS", "IDEMPOTENCY_KEY_REUSED", "CONFLICTING_REDELIVERY", "INTERNAL_ERROR"}
    assert kit <= set(used)


def test_the_scan_sees_a_new_code_in_each_way_a_service_can_raise_one() -> None:
    source = """
class MyRule(ConflictError):
    code = "FIRST_NEW"
class ConflictError(DomainError): ...
def f():
    raise DomainError("…", code="SECOND_NEW")
    Violation("THIRD_NEW", "Une raison.")
    return {"code": "FOURTH_NEW", "message": "…"}, ErrorCode.FIFTH_NEW
class NotAnError(ValueError):
    code = "NOT_RAISED"
"""
    used = codes_in([ast.parse(source)])
    assert set(used) == {"FIRST_NEW", "SECOND_NEW", "THIRD_NEW", "FOURTH_NEW", "FIFTH_NEW"}


def test_every_declared_code_has_a_french_sentence() -> None:
    assert set(REASONS) == set(ErrorCode)
    assert all(sentence[0].isupper() and sentence.endswith(".") for sentence in REASONS.values())
