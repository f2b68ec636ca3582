"""Webhooks and feeds out (issue 25): a caller subscribes an https endpoint to event types of the contracts (or
`alert`) and owns the subscription (national staff: every one; a regional or territory dashboard, a partner: its own,
within what it reads elsewhere); a background worker POSTs them in order, in batches, signed (Standard Webhooks),
retried with backoff, logged 7 days, and disables a subscription failing too long (an alert says so; `enable`
resumes where it stopped); `GET /api/webhooks/{id}/events?after=` gives the same payloads by cursor (catch-up
without a re-send).

- `stream`: the ordered stream of one subscription: positions (cursors), the page after a cursor, the payloads,
  the batch plan (pure);
- `owners`: who owns a subscription, what it may subscribe to (platform rule);
- `store`: the subscriptions and the delivery log (SQL);
- `worker`: one delivery round (claim, send, record);
- `routes`: the HTTP routes.

The generic engine (target checks, signatures, backoff, the POST) is the kit's `tdi_runtime.doors.webhooks`.
"""
