"""Who sees what of reporting's figures: each read model declares whose rules govern its rows and columns,
and reporting applies them as the owning service does (issue 22 #6).

- `programme`: the whole read model belongs to one programme (the VTE): an instructor of another programme is
  refused `OUT_OF_PROGRAMME`, as by the VTE API, and its dashboard figures are null.
- `programme_column`: each fact belongs to the programme in that column (funding): an instructor's facts are
  narrowed to its own programme, as the funding API's lists are.
- `sensitive`: column -> field family of `tdi_runtime.pipeline.caller.SENSITIVE`. A column built from a family's fields
  (the amounts of dossiers still undecided) is null for whoever may not see that family (a `reader`).
A regional caller's figures are narrowed to its region by the filters (`use_cases.Reporting.filters`) and the
map and territory list of the dashboard likewise (`views.figures`).

Audiences: every token's role, and `PUBLIC`, the anonymous caller of the open data (`opendata/`, no token), who
reaches every programme but sees no sensitive family: its files leave out the columns `withheld` names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tdi_runtime.pipeline.caller import Caller

UNDECIDED_AMOUNT = "undecided_amount"
VTE_AID_AMOUNT = "vte_aid_amount"
PUBLIC = Caller(subject="public", role="public")
"""The open data's audience: anyone, without a token. Its role is in no `SENSITIVE` family, so it gets no post cost,
no amount of an undecided dossier, no binôme's company and no VTE aid amount (counts only); no region narrows it."""


@dataclass(frozen=True)
class Visibility:
    programme: str | None = None
    programme_column: str | None = None
    sensitive: Mapping[str, str] = field(default_factory=dict)


VISIBILITY: dict[str, Visibility] = {
    "territoires": Visibility(),
    "actions": Visibility(),
    "actions_axes": Visibility(),
    "financements": Visibility(
        programme_column="programme",
        # Requested amounts and the projects' amounts (eligible cost, jobs) are those the funding API hides
        # before the decision; a column mixes decided and undecided dossiers, so the whole column is hidden.
        sensitive=dict.fromkeys(
            ("montant_demande_centimes", "investissement_prevu_centimes", "emplois_prevus"), UNDECIDED_AMOUNT
        ),
    ),
    "enveloppes": Visibility(programme_column="programme"),
    "vte": Visibility(
        programme="vte",
        sensitive=dict.fromkeys(
            (
                "aide_base_centimes",
                "aide_verte_centimes",
                "aide_totale_centimes",
                "aide_base_accordee_centimes",
                "aide_verte_accordee_centimes",
                "aide_demandee_centimes",
                "aide_logement_centimes",
            ),
            VTE_AID_AMOUNT,
        ),
    ),
    "fiches": Visibility(),  # the fiches one by one: the actions API shows every role the same fields
    # The money ledger: each line and gap belongs to its programme (an instructor's are its programme's); decided
    # money only (commitments, payments, transfers), public as the funding API's balances are.
    "grand_livre": Visibility(programme_column="programme"),
    "ecarts": Visibility(programme_column="programme"),
}


def require_model(access: Caller, name: str) -> None:
    """Refuse (403 OUT_OF_PROGRAMME) a read model of a programme the caller does not reach."""
    programme = VISIBILITY[name].programme
    if programme is not None:
        access.require_programme(programme)


def reaches(access: Caller, name: str) -> bool:
    programme = VISIBILITY[name].programme
    return programme is None or access.reaches_programme(programme)


def narrowed(facts: Iterable[Mapping[str, Any]], name: str, access: Caller) -> list[Any]:
    """The facts of a read model the caller may count (an instructor: its own programme's)."""
    column = VISIBILITY[name].programme_column
    if column is None or access.role != "instructor":
        return list(facts)
    return [f for f in facts if access.reaches_programme(f[column])]


def shown(rows: list[dict[str, Any]], name: str, access: Caller) -> list[dict[str, Any]]:
    """Rows with the sensitive columns the caller may not see set to null."""
    return [shown_row(r, name, access) for r in rows]


def shown_row(row: dict[str, Any], name: str, access: Caller) -> dict[str, Any]:
    v = VISIBILITY[name]
    if not v.sensitive:
        return row
    # The row's programme: its column when grouped by it; else an instructor's rows are its programme's (narrowed).
    programme = row.get(v.programme_column) if v.programme_column in row else access.programme
    out = dict(row)
    for column, family in v.sensitive.items():
        if column in out and not access.may_see(family, programme):
            out[column] = None
    return out


def withheld(name: str, access: Caller) -> frozenset[str]:
    """The sensitive columns of a read model the caller sees for no row (an audience's files leave them out); an
    instructor sees its own programme's, so they are not withheld from it."""
    return frozenset(
        c for c, family in VISIBILITY[name].sensitive.items() if not access.may_see(family, access.programme)
    )


def visibility_key(access: Caller) -> tuple[str | None, ...]:
    """What makes two callers' figures differ (for caches shared between streams): role, region, programme,
    territory."""
    return (access.role, access.region, access.programme, access.territory)
