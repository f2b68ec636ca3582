"""The chef de projet co-funding rule: the State subsidy of a post for one territory and one year.

At most 30,000 EUR a year for a territory of one or two EPCI, 40,000 EUR for three or more, and at most 70 %
of the post's cost (the territory funds at least 30 %). Renewed yearly: the rule is computed per year.
A shared post (mutualised) is split between its territories by the platform rule `split_shared_post`.
Across dossiers, the State's part is counted per (territory, year) against the cap and per (post, year) against
70 % of the post (`CdpLedger`, issue 24 B1): two dossiers of one year never add up to more than the cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tdi_contracts.errors import ErrorCode
from tdi_contracts.money import format_eur
from tdi_contracts.reference.figures import CHEF_DE_PROJET_MAX_STATE_SHARE, chef_de_projet_cap
from tdi_runtime.errors import DomainError


@dataclass(frozen=True)
class Subsidy:
    """The computed State subsidy, or why it cannot be computed yet (`amount_cents` None)."""

    amount_cents: int | None
    cap_cents: int | None
    post_share_cents: int
    reason: str

    @property
    def computable(self) -> bool:
        return self.amount_cents is not None


def state_subsidy(epci_count: int | None, post_cost_cents: int) -> Subsidy:
    """min(cap by EPCI count, 70 % of the post's cost rounded down to the cent); unknown EPCI: not yet."""
    if not epci_count:
        return Subsidy(
            None,
            None,
            post_cost_cents,
            "Calcul impossible pour l'instant : le nombre d'EPCI du territoire n'est pas encore connu.",
        )
    cap = chef_de_projet_cap(epci_count)
    # Rounded down so the State share never exceeds 70 %: the territory funds at least 30 %.
    seventy = int(post_cost_cents * CHEF_DE_PROJET_MAX_STATE_SHARE)
    amount = min(cap, seventy)
    which = "le plafond" if amount == cap else "70 % du coût du poste"
    return Subsidy(amount, cap, post_cost_cents, f"Subvention limitée par {which} ({epci_count} EPCI).")


def split_shared_post(post_cost_cents: int, territory_ids: Sequence[str]) -> dict[str, int]:
    """Platform rule: a shared post's cost is split equally between its territories; the cents left over
    go one each to the territories in ascending id order, so the shares sum exactly to the cost."""
    ordered = sorted(set(territory_ids))
    if not ordered:
        raise ValueError("a post serves at least one territory")
    base, remainder = divmod(post_cost_cents, len(ordered))
    return {tid: base + (1 if i < remainder else 0) for i, tid in enumerate(ordered)}


@dataclass(frozen=True)
class Post:
    """A chef de projet post as funding knows it (the territory service's events): its territory, its yearly cost,
    the territories it is shared with (mutualisation, P:475, M:192-193), when it started and ended."""

    post_id: UUID
    territory_id: str
    annual_cost_cents: int
    shared_with: tuple[str, ...] = ()
    appointed_on: date | None = None
    ended_on: date | None = None

    @property
    def territories(self) -> tuple[str, ...]:
        return tuple(sorted({self.territory_id, *self.shared_with}))

    def serves(self, territory_id: str) -> bool:
        return territory_id in self.territories

    def share_of(self, territory_id: str) -> int:
        """This territory's part of the yearly cost (`split_shared_post`)."""
        return split_shared_post(self.annual_cost_cents, self.territories)[territory_id]

    def active_in(self, year: int) -> bool:
        """Platform rule: a post is funded for a year it is held at least one day of (no proration, setting-free:
        the sources give none)."""
        starts = self.appointed_on.year if self.appointed_on else year
        return starts <= year and (self.ended_on is None or self.ended_on.year >= year)


def state_ceiling_of_post(post_cost_cents: int) -> int:
    """At most 70 % of the post's cost, rounded down to the cent: the territories fund at least 30 % (P:475)."""
    return int(post_cost_cents * CHEF_DE_PROJET_MAX_STATE_SHARE)


@dataclass(frozen=True)
class CdpKey:
    """Where one dossier's State subsidy counts: its territory's year (against the cap of its EPCI count at the
    decision) and its post's year (against 70 % of the post's cost, across every territory sharing it)."""

    territory_id: str
    year: int
    post_id: UUID
    cap_cents: int
    post_ceiling_cents: int


@dataclass
class CdpLedger:
    """What the State gives per (territory, year) and per (post, year). The store keeps the same two counters with
    one conditional UPDATE each (`cdp_territory_years`, `cdp_post_years`); this is the rule for one process."""

    territories: dict[tuple[str, int], int] = field(default_factory=dict)
    posts: dict[tuple[UUID, int], int] = field(default_factory=dict)

    @staticmethod
    def key(territory_id: str, year: int, post: Post, epci_count: int) -> CdpKey:
        return CdpKey(
            territory_id,
            year,
            post.post_id,
            chef_de_projet_cap(epci_count),
            state_ceiling_of_post(post.annual_cost_cents),
        )

    def room(self, territory_id: str, year: int, epci_count: int) -> int:
        """What the territory may still receive that year (never negative: a lower cap claws nothing back)."""
        return max(0, chef_de_projet_cap(epci_count) - self.territories.get((territory_id, year), 0))

    def commit(self, key: CdpKey, amount_cents: int) -> None:
        given = self.territories.get((key.territory_id, key.year), 0)
        on_post = self.posts.get((key.post_id, key.year), 0)
        check_cdp_room(key, amount_cents, given, on_post)
        self.territories[(key.territory_id, key.year)] = given + amount_cents
        self.posts[(key.post_id, key.year)] = on_post + amount_cents

    def release(self, key: CdpKey, amount_cents: int) -> None:
        self.territories[(key.territory_id, key.year)] -= amount_cents
        self.posts[(key.post_id, key.year)] -= amount_cents


def check_cdp_room(key: CdpKey, amount_cents: int, given_cents: int, on_post_cents: int) -> None:
    """Refuses (CHEF_DE_PROJET_CAP_REACHED, with the room left) what would take the territory's year beyond its cap
    or the post's year beyond 70 % of its cost."""
    if given_cents + amount_cents > key.cap_cents:
        raise territory_cap_reached(key, amount_cents, given_cents)
    if on_post_cents + amount_cents > key.post_ceiling_cents:
        raise post_cap_reached(key, amount_cents, on_post_cents)


def territory_cap_reached(key: CdpKey, amount_cents: int, given_cents: int) -> DomainError:
    room = max(0, key.cap_cents - given_cents)
    return DomainError(
        ErrorCode.CHEF_DE_PROJET_CAP_REACHED,
        f"Part de l'État de {format_eur(amount_cents)} refusée : le plafond annuel du territoire "
        f"({format_eur(key.cap_cents)}) ne laisse que {format_eur(room)} en {key.year}.",
        field="granted_cents",
        remaining_cents=room,
        year=key.year,
    )


def post_cap_reached(key: CdpKey, amount_cents: int, on_post_cents: int) -> DomainError:
    room = max(0, key.post_ceiling_cents - on_post_cents)
    return DomainError(
        ErrorCode.CHEF_DE_PROJET_CAP_REACHED,
        f"Part de l'État de {format_eur(amount_cents)} refusée : l'État ne finance pas plus de 70 % du poste "
        f"({format_eur(key.post_ceiling_cents)} par an), il reste {format_eur(room)} en {key.year}.",
        field="granted_cents",
        remaining_cents=room,
        year=key.year,
    )


def filing_failures(
    post: Post | None, territory_id: str, year: int | None, requested_cents: int, epci_count: int | None
) -> list[tuple[str, str, str]]:
    """Why one chef de projet dossier cannot be filed, as (code, field, French sentence): it names a known post that
    serves its territory that year, and asks at most min(the cap by EPCI count, 70 % of its territory's share of
    the post). What other dossiers of the year already hold is counted at the decision (`CdpLedger`)."""
    if post is None:
        return [
            (
                "chef-de-projet-post-unknown",
                "chef_de_projet_id",
                "Le dossier doit désigner un poste de chef de projet connu (chef_de_projet_id).",
            )
        ]
    failed = []
    if not post.serves(territory_id):
        failed.append(
            ("chef-de-projet-post-of-another-territory", "chef_de_projet_id", "Ce poste ne sert pas ce territoire.")
        )
    if year is not None and not post.active_in(year):
        failed.append(("chef-de-projet-post-not-in-year", "funding_year", f"Ce poste n'est pas occupé en {year}."))
    if failed:
        return failed
    subsidy = state_subsidy(epci_count, post.share_of(territory_id))
    if subsidy.amount_cents is None:
        return [("epci-count-unknown", "territory_id", subsidy.reason)]
    if requested_cents > subsidy.amount_cents:
        allowed = format_eur(subsidy.amount_cents)
        return [
            (
                "state-share-above-cap",
                "requested_cents",
                f"La part de l'État est limitée à {allowed} par an pour ce poste ({subsidy.reason})",
            )
        ]
    return []
