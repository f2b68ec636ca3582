"""Opening envelopes: the catalogue's at first start, and those staff open later (a programme's yearly budget,
a partner's declared line) — each announced once with `EnvelopeOpened`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tdi_contracts.events.funding import EnvelopeOpened
from tdi_contracts.reference.programmes_catalogue import EnvelopeSeed
from tdi_funding import store_envelopes
from tdi_funding.domain.errors import EnvelopeAlreadyOpenedError
from tdi_funding.use_cases import Result
from tdi_runtime.access import Reach
from tdi_runtime.db import Connection


async def open_envelopes(conn: Connection, seeds: Sequence[EnvelopeSeed], opened_on: date) -> Result:
    """Opens the envelopes not opened yet (an envelope already open keeps its amounts)."""
    opened = set(await store_envelopes.open_envelopes(conn, seeds, opened_on))
    events = [
        EnvelopeOpened(
            envelope_id=s.envelope_id,
            programme=s.programme,
            region=s.region,
            year=s.year,
            ceiling_cents=s.ceiling_cents,
            operator=s.operator,
            opened_on=opened_on,
        )
        for s in seeds
        if s.envelope_id in opened
    ]
    return Result(events=events, value=sorted(opened))


async def open_envelope(conn: Connection, seed: EnvelopeSeed, opened_on: date, reach: Reach | None = None) -> Result:
    """Staff open one envelope; the same one opened again is answered the same, another one under its id is 409.
    An envelope already open under that id is answered only to a caller who reaches its region (`reach`): a
    regional caller never learns another region's envelope ids (issue 22 #2)."""
    existing = await store_envelopes.load(conn, seed.envelope_id)
    if existing is not None and reach is not None:
        reach((existing.region,) if existing.region else ())
    if existing is not None:
        same = (existing.programme, existing.ceiling_cents, existing.region, existing.year) == (
            seed.programme.value,
            seed.ceiling_cents,
            seed.region.value if seed.region else None,
            seed.year,
        )
        if same:
            return Result(value=seed.envelope_id)
        raise EnvelopeAlreadyOpenedError(
            f"L'enveloppe {seed.envelope_id} existe déjà avec d'autres montants ou un autre périmètre.",
            details={"field": "envelope_id"},
        )
    return await open_envelopes(conn, [seed], opened_on)
