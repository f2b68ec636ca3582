"""Standard Webhooks signatures (https://www.standardwebhooks.com), made by the `standardwebhooks` package.

The headers of one attempt: `webhook-id` (the message's id, the same at every attempt: the receiver's idempotency
key), `webhook-timestamp` (Unix seconds of *this* attempt: verifiers refuse a timestamp more than 5 minutes off,
so a retry is signed again) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`).
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_BYTES = 32
"""Within the spec's 24 to 64 bytes."""


def new_secret() -> str:
    """A signing secret as receivers configure it: `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(secret: str, msg_id: str, body: bytes, now: datetime | None = None) -> dict[str, str]:
    now = now or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, now, body),
    }
