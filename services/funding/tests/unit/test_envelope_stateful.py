"""Random interleavings of filings, decisions, duplicates, withdrawals, releases and payments never
over-commit an envelope, never pay beyond what is committed, and never lose a cent."""

from datetime import UTC, datetime
from uuid import uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tdi_funding.domain.application import Application, State
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.errors import DomainError

from .unit_of_work import decided

NOW = datetime(2024, 6, 1, tzinfo=UTC)
CEILING = 1_000_000
amounts = st.integers(1, 400_000)


class EnvelopeUnderRandomDecisions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.envelope = Envelope("env", "fonds-vert-ti", CEILING)
        self.dossiers: list[Application] = []
        self.refused_commitments = 0

    def _decide(self, index: int, decide) -> None:  # type: ignore[no-untyped-def]
        dossier = self.dossiers[index % len(self.dossiers)]
        try:
            decided(dossier, self.envelope, decide)
        except DomainError:
            self.refused_commitments += 1

    @rule(requested=amounts)
    def file(self, requested: int) -> None:
        dossier = Application(uuid4(), "tdi-44-x", "fonds-vert-ti", "env", requested)
        dossier.file(NOW, "holder")
        self.dossiers.append(dossier)

    @precondition(lambda self: self.dossiers)
    @rule(i=st.integers(0, 99), share=st.integers(1, 100))
    def approve(self, i: int, share: int) -> None:
        def decide(a: Application):  # type: ignore[no-untyped-def]
            return a.approve(max(1, a.requested_cents * share // 100), uuid4(), NOW, "staff")

        self._decide(i, decide)

    @precondition(lambda self: self.dossiers)
    @rule(i=st.integers(0, 99))
    def approve_again_the_same_decision(self, i: int) -> None:
        self._decide(i, lambda a: a.approve(a.granted_cents or a.requested_cents, uuid4(), NOW, "staff"))

    @precondition(lambda self: self.dossiers)
    @rule(i=st.integers(0, 99))
    def refuse(self, i: int) -> None:
        self._decide(i, lambda a: a.refuse("hors critères", NOW, "staff"))

    @precondition(lambda self: self.dossiers)
    @rule(i=st.integers(0, 99))
    def withdraw(self, i: int) -> None:
        self._decide(i, lambda a: a.withdraw(NOW, "holder"))

    @precondition(lambda self: self.dossiers)
    @rule(i=st.integers(0, 99), amount=amounts)
    def release(self, i: int, amount: int) -> None:
        self._decide(i, lambda a: a.release(amount, NOW, "staff"))

    @precondition(lambda self: self.dossiers)
    @rule(i=st.integers(0, 99), amount=amounts, ref=st.sampled_from(["P1", "P2", "P3"]))
    def pay_possibly_twice_under_one_reference(self, i: int, amount: int, ref: str) -> None:
        self._decide(i, lambda a: a.pay(ref, amount, NOW, "partner"))

    @invariant()
    def never_committed_beyond_the_ceiling_nor_paid_beyond_committed(self) -> None:
        e = self.envelope
        assert 0 <= e.paid_cents <= e.committed_cents <= e.ceiling_cents

    @invariant()
    def no_cent_is_lost(self) -> None:
        e = self.envelope
        assert e.committed_cents == sum(d.committed_cents for d in self.dossiers)
        assert e.paid_cents == sum(d.paid_cents for d in self.dossiers)
        assert e.available_cents + e.committed_cents == CEILING
        for d in self.dossiers:
            assert 0 <= d.paid_cents <= d.committed_cents <= d.granted_cents
            assert d.paid_cents == sum(d.payments.values())
            if d.state is not State.APPROVED and d.state is not State.WITHDRAWN:
                assert d.granted_cents == 0


EnvelopeUnderRandomDecisions.TestCase.settings = settings(max_examples=50, stateful_step_count=40, deadline=None)
test_random_decisions_never_over_commit_overpay_or_lose_a_cent = EnvelopeUnderRandomDecisions.TestCase
