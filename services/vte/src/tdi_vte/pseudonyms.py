"""The only trace of a candidate the platform keeps: a keyed hash of Bpifrance's reference (HMAC-SHA256).

Without the key, the pseudonym cannot be linked back to the reference; with it, the same candidate always has
the same pseudonym (so staff can see that two contracts are the same person's without knowing who).
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonym_of(candidate_reference: str, key: str) -> str:
    """64 hex characters; the partner is part of the message so two partners' references never collide."""
    message = f"bpifrance:{candidate_reference}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
