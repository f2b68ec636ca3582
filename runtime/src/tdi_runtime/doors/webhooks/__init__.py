"""Webhooks out: the generic delivery engine a service's feed plugs into (issue 25).

- `targets`: where a webhook may be sent (`check_target`): http(s) only, every resolved address public, unless the
  host is named in the allowed hosts (tests); the addresses are kept so the request goes to the one checked.
- `signing`: Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the
  `standardwebhooks` package, a fresh timestamp at each attempt; `new_secret()` gives a `whsec_…` secret.
- `backoff`: exponential backoff with jitter between the attempts of one batch.
- `sender`: one POST of a signed body to a checked target (no redirects, pinned address), its outcome.

What to send, in which order and when to give up is the service's (reporting: `tdi_reporting.webhooks`).
"""

from tdi_runtime.doors.webhooks.backoff import Backoff
from tdi_runtime.doors.webhooks.sender import Outcome, send
from tdi_runtime.doors.webhooks.signing import new_secret, signed_headers
from tdi_runtime.doors.webhooks.targets import Target, TargetRefusedError, check_target, refusal_of

__all__ = [
    "Backoff",
    "Outcome",
    "Target",
    "TargetRefusedError",
    "check_target",
    "new_secret",
    "refusal_of",
    "send",
    "signed_headers",
]
