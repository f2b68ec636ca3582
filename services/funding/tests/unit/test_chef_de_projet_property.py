"""Property (issue 24, done-when): no sequence of dossiers, approvals, reductions, withdrawals, payments, shared and
ended posts gives a territory more than its yearly chef de projet cap, or the State more than 70 % of a post.

P:472-473 « 30 000 € / 40 000 € par an » by number of intercommunalités; P:475 « renouvelé annuellement … a minima
30 % de cofinancement du poste … mutualisations »; M:185 « Maximum 30 000 € ou 40 000 € / an par territoire
d'industrie »; M:189-190 « a minima 30 % de cofinancement du poste »; M:192-193 « partager le chef de projet entre
plusieurs territoires »."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tdi_contracts.money import eur
from tdi_contracts.reference.figures import chef_de_projet_cap
from tdi_funding.domain.application import Application
from tdi_funding.domain.chef_de_projet import CdpKey, CdpLedger, Post, filing_failures, state_ceiling_of_post
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.errors import DomainError

from .unit_of_work import decided

NOW = datetime(2024, 6, 1, tzinfo=UTC)
TERRITORIES = ("tdi-44-a", "tdi-44-b", "tdi-44-c")
YEARS = st.sampled_from([2024, 2025, 2026])
pick = st.integers(0, 99)
# Whole thousands of euros (plus an odd cent now and then), so dossiers meet the caps often: small amounts alone
# would seldom add up to 30,000 € and the property would prove little.
thousands = st.integers(1, 120).map(lambda k: eur(k * 1_000))
amounts = st.one_of(thousands, st.integers(1, eur(45_000)))


class ChefDeProjetYears(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ledger = CdpLedger()
        self.envelope = Envelope("cdp", "chef-de-projet", eur(100_000_000))
        self.epci: dict[str, int] = {}
        self.posts: list[Post] = []
        self.dossiers: list[tuple[Application, int, int]] = []  # dossier, year, post index
        self.keys: dict[int, CdpKey] = {}
        self.refused = Counter[str]()

    @initialize(
        counts=st.lists(st.integers(1, 6), min_size=3, max_size=3),
        costs=st.lists(thousands, min_size=3, max_size=3),
    )
    def territories_with_a_post_each(self, counts: list[int], costs: list[int]) -> None:
        self.epci = dict(zip(TERRITORIES, counts, strict=True))
        self.posts = [Post(uuid4(), t, cost, (), date(2024, 1, 1)) for t, cost in zip(TERRITORIES, costs, strict=True)]

    @rule(territory=st.sampled_from(TERRITORIES), cost=thousands)
    def appoint_a_post(self, territory: str, cost: int) -> None:
        self.posts.append(Post(uuid4(), territory, cost, (), date(2024, 1, 1)))

    @precondition(lambda self: self.posts)
    @rule(i=pick, others=st.sets(st.sampled_from(TERRITORIES), max_size=2))
    def share_a_post(self, i: int, others: set[str]) -> None:
        p = self.posts[i % len(self.posts)]
        self.posts[i % len(self.posts)] = replace(p, shared_with=tuple(sorted(others - {p.territory_id})))

    @precondition(lambda self: self.posts)
    @rule(i=pick, year=YEARS)
    def end_a_post(self, i: int, year: int) -> None:
        p = self.posts[i % len(self.posts)]
        self.posts[i % len(self.posts)] = replace(p, ended_on=date(year, 6, 30))

    def _file(self, territory: str, i: int, year: int, requested: int) -> int | None:
        """Files on one of the posts serving the territory (an unknown or foreign post is refused at filing)."""
        serving = [k for k, p in enumerate(self.posts) if p.serves(territory)]
        if not serving:
            return None
        k = serving[i % len(serving)]
        if filing_failures(self.posts[k], territory, year, requested, self.epci[territory]):
            self.refused["filing"] += 1
            return None
        dossier = Application(uuid4(), territory, "chef-de-projet", "cdp", requested)
        dossier.file(NOW, territory)
        self.dossiers.append((dossier, year, k))
        return len(self.dossiers) - 1

    @rule(territory=st.sampled_from(TERRITORIES), i=pick, year=YEARS, requested=amounts)
    def file_a_dossier(self, territory: str, i: int, year: int, requested: int) -> None:
        self._file(territory, i, year, requested)

    @rule(territory=st.sampled_from(TERRITORIES), i=pick, year=YEARS, requested=amounts, percent=st.integers(50, 100))
    def file_a_dossier_and_approve_it(self, territory: str, i: int, year: int, requested: int, percent: int) -> None:
        n = self._file(territory, i, year, requested)
        if n is not None:
            self.approve(n, percent)

    def _decide(self, n: int, decide) -> None:  # type: ignore[no-untyped-def]
        k = n % len(self.dossiers)
        dossier, year, post_index = self.dossiers[k]
        key = self.keys.get(k) or self.ledger.key(
            dossier.territory_id, year, self.posts[post_index], self.epci[dossier.territory_id]
        )
        try:
            effect = decided(dossier, self.envelope, decide, ledger=(self.ledger, key))
        except DomainError as error:
            self.refused[error.code] += 1
            return
        if effect.commit:
            self.keys[k] = key

    @precondition(lambda self: self.dossiers)
    @rule(n=pick, percent=st.sampled_from([100, 100, 50, 1, 99]))
    def approve(self, n: int, percent: int) -> None:
        self._decide(n, lambda a: a.approve(max(1, a.requested_cents * percent // 100), uuid4(), NOW, "national"))

    @precondition(lambda self: self.dossiers)
    @rule(n=pick, amount=amounts)
    def reduce(self, n: int, amount: int) -> None:
        self._decide(n, lambda a: a.release(amount, NOW, "national"))

    @precondition(lambda self: self.dossiers)
    @rule(n=pick)
    def withdraw(self, n: int) -> None:
        self._decide(n, lambda a: a.withdraw(NOW, "national"))

    @precondition(lambda self: self.dossiers)
    @rule(n=pick, amount=amounts)
    def pay(self, n: int, amount: int) -> None:
        self._decide(n, lambda a: a.pay(f"P{amount % 3}", amount, NOW, "national"))

    def _given(self) -> tuple[Counter[tuple[str, int]], Counter[tuple[object, int]]]:
        per_territory: Counter[tuple[str, int]] = Counter()
        per_post: Counter[tuple[object, int]] = Counter()
        for k, (dossier, year, _) in enumerate(self.dossiers):
            if k in self.keys:
                per_territory[(dossier.territory_id, year)] += dossier.committed_cents
                per_post[(self.keys[k].post_id, year)] += dossier.committed_cents
        return per_territory, per_post

    @invariant()
    def no_territory_receives_more_than_its_yearly_cap(self) -> None:
        per_territory, _ = self._given()
        for (territory, _year), given in per_territory.items():
            assert given <= chef_de_projet_cap(self.epci[territory])

    @invariant()
    def the_state_never_pays_more_than_70_percent_of_a_post_in_a_year(self) -> None:
        _, per_post = self._given()
        cost = {p.post_id: p.annual_cost_cents for p in self.posts}
        for (post_id, _year), given in per_post.items():
            assert given * 100 <= cost[post_id] * 70
            assert given <= state_ceiling_of_post(cost[post_id])

    @invariant()
    def the_counters_are_the_sum_of_the_dossiers_to_the_cent(self) -> None:
        per_territory, per_post = self._given()
        assert {k: v for k, v in self.ledger.territories.items() if v} == {k: v for k, v in per_territory.items() if v}
        assert {k: v for k, v in self.ledger.posts.items() if v} == {k: v for k, v in per_post.items() if v}
        assert self.envelope.committed_cents == sum(d.committed_cents for d, _, _ in self.dossiers)


PROPERTY_SETTINGS = settings(max_examples=200, stateful_step_count=60, deadline=None)
ChefDeProjetYears.TestCase.settings = PROPERTY_SETTINGS
test_no_sequence_gives_a_territory_more_than_its_cap_or_the_state_more_than_70_percent_of_a_post__P472_P475 = (  # noqa: N816
    ChefDeProjetYears.TestCase
)
