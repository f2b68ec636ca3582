"""A decision on a dossier applied to the dossier and its envelope together.

The dossier says what the decision does in cents (`Effect`); the envelope applies those cents under its
own invariant (the ceiling: `Envelope.commit`, guarded in the store by a conditional UPDATE). If the envelope or
the chef de projet ledger refuses (ceiling reached, closed, cap), the refusal stops the unit of work, which is
discarded with everything it read and changed (HTTP: its transaction; Kafka: its savepoint): no copy to roll back.
"""

from __future__ import annotations

from collections.abc import Callable

from tdi_funding.domain.application import Application, Effect
from tdi_funding.domain.chef_de_projet import CdpKey, CdpLedger
from tdi_funding.domain.envelope import Envelope


def apply_effect(envelope: Envelope, effect: Effect) -> None:
    """De-commit first, so a reduced grant and a payment in one decision never look over-committed."""
    if effect.decommit:
        envelope.decommit(effect.decommit)
    if effect.commit:
        envelope.commit(effect.commit)
    if effect.pay:
        envelope.pay(effect.pay)


def apply_ledger(ledger: CdpLedger, key: CdpKey, effect: Effect) -> None:
    """A chef de projet dossier's commitment also counts in its territory's and its post's year (issue 24, B1)."""
    if effect.decommit:
        ledger.release(key, effect.decommit)
    if effect.commit:
        ledger.commit(key, effect.commit)


def apply_decision(
    application: Application,
    envelope: Envelope,
    decide: Callable[[Application], Effect],
    ledger: tuple[CdpLedger, CdpKey] | None = None,
) -> Effect:
    """Run `decide` on the dossier, apply its effect to the chef de projet ledger for that programme and to the
    envelope; a refusal raises, and the caller's unit of work discards the objects it changed."""
    if application.envelope_id != envelope.envelope_id:
        raise ValueError("a dossier's decisions apply to its own envelope")
    effect = decide(application)
    if ledger is not None:
        apply_ledger(ledger[0], ledger[1], effect)
    apply_effect(envelope, effect)
    return effect
