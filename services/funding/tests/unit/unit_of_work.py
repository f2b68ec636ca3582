"""`apply_decision` as funding's unit of work runs it, for the pure tests: a refusal discards what the decision
changed, so the dossier, the envelope and the ledger are again what is stored (in the service, the HTTP transaction
or the consumer's savepoint is rolled back and the unit of work forgets what it read; here, the stored state is a
copy taken before the decision)."""

from __future__ import annotations

import copy
from collections.abc import Callable

from tdi_funding.domain.application import Application, Effect
from tdi_funding.domain.chef_de_projet import CdpKey, CdpLedger
from tdi_funding.domain.decisions import apply_decision
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.errors import DomainError


def decided(
    application: Application,
    envelope: Envelope,
    decide: Callable[[Application], Effect],
    ledger: tuple[CdpLedger, CdpKey] | None = None,
) -> Effect:
    objects = [application, envelope, *([ledger[0]] if ledger else [])]
    stored = [copy.deepcopy(o.__dict__) for o in objects]
    try:
        return apply_decision(application, envelope, decide, ledger=ledger)
    except DomainError:
        for o, before in zip(objects, stored, strict=True):
            o.__dict__.clear()
            o.__dict__.update(before)
        raise
