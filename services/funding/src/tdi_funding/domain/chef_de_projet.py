"""The chef de projet co-funding rule: the State subsidy of a post for one territory and one year.

At most 30,000 EUR a year for a territory of one or two EPCI, 40,000 EUR for three or more, and at most 70 %
of the post's cost (the territory funds at least 30 %). Renewed yearly: the rule is computed per year.
A shared post (mutualised) is split between its territories by the platform rule `split_shared_post`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tdi_contracts.reference.figures import CHEF_DE_PROJET_MAX_STATE_SHARE, chef_de_projet_cap


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
