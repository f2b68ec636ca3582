"""How the door refuses a dossier: the kit's DomainError with a code of the catalogue and its French sentence.

The one place that builds them: the pipeline's `DomainError(code, detail, **details)`, the detail quoted safe and
bounded.
"""

from __future__ import annotations

from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.quoting import quote
from tdi_runtime.errors import DomainError


def refusal(code: ErrorCode, detail: str | None = None, **details: Any) -> DomainError:
    """`REASONS[code]`, then the detail (quoted safe and bounded: it may repeat what a dossier holds)."""
    return DomainError(code, None if detail is None else quote(detail, 300), **details)
