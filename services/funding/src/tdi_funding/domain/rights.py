"""Who may decide a dossier and who only advises on it, from the programme catalogue (issue 24, A1).

Decide: approve (commit), refuse, withdraw, reduce (de-commit), pay. Instruct: file on a project holder's behalf
and open the instruction. Advise: record an avis in the dossier's history. A partner acts through its ingress
topic (the catalogue's `deciders` / `advisers`), State staff over HTTP (its `deciding_roles` / `advising_roles`,
each within its own scope, checked elsewhere: a region, a programme).
"""

from __future__ import annotations

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Partner, Programme
from tdi_contracts.reference.programmes_catalogue import ProgrammeRules
from tdi_runtime.errors import DomainError


def deciding_roles(rules: ProgrammeRules, national_decides_fonds_vert: bool = True) -> frozenset[str]:
    """Platform rule (setting `TDI_FUNDING_NATIONAL_DECIDES_FONDS_VERT`, default true): the national steering may
    act for any region on the Fonds vert, besides each regional prefecture."""
    if rules.code == Programme.FONDS_VERT_TI.value and not national_decides_fonds_vert:
        return rules.deciding_roles - {"national"}
    return rules.deciding_roles


def require_decision(
    rules: ProgrammeRules,
    *,
    partner: Partner | None = None,
    role: str | None = None,
    national_decides_fonds_vert: bool = True,
) -> None:
    """Refuses a decision by a partner or a role that only advises (PROGRAMME_NOT_DECIDED_BY_PARTNER), or that
    has no part in the programme (PROGRAMME_NOT_OPERATED, FORBIDDEN)."""
    if partner is not None:
        if partner not in rules.deciders:
            _refuse_partner(rules, partner)
        return
    if role is not None and role not in deciding_roles(rules, national_decides_fonds_vert):
        if role in rules.advising_roles:
            raise DomainError(
                ErrorCode.PROGRAMME_NOT_DECIDED_BY_PARTNER,
                f"Rôle « {role} » : sur « {rules.label} », vous instruisez et donnez un avis ; la décision revient"
                " à la préfecture de région.",
                field="programme",
                value=rules.code,
            )
        _forbidden(role, rules, "décider")


def require_instruction(rules: ProgrammeRules, *, partner: Partner | None = None, role: str | None = None) -> None:
    """Filing and opening the instruction: the programme's deciders and advisers."""
    if partner is not None:
        if partner not in rules.deciders | rules.advisers:
            _refuse_partner(rules, partner)
        return
    if role is not None and role not in rules.deciding_roles | rules.advising_roles:
        _forbidden(role, rules, "instruire")


TERRITORY_FILES = frozenset({Programme.CHEF_DE_PROJET.value})
"""Platform rule (issue 24): the programmes on which a territory's chef de projet and binôme (role `territory`) file
their own territory's dossier: the chef de projet post only; every other dossier is filed by the programme's staff."""


def require_filing(rules: ProgrammeRules, *, partner: Partner | None = None, role: str | None = None) -> None:
    """Filing: the programme's deciders and advisers, and a territory on the programmes of `TERRITORY_FILES` (its own
    territory: checked by the use case on the territory it resolves)."""
    if role == "territory" and partner is None:
        if rules.code not in TERRITORY_FILES:
            _forbidden(role, rules, "déposer un dossier")
        return
    require_instruction(rules, partner=partner, role=role)


def require_opinion(rules: ProgrammeRules, *, partner: Partner | None = None, role: str | None = None) -> None:
    """An avis comes from those who advise (a decider decides: its avis would be its decision)."""
    if partner is not None:
        if partner not in rules.advisers:
            _refuse_partner(rules, partner, verb="donner un avis sur")
        return
    if role is not None and role not in rules.advising_roles:
        _forbidden(role, rules, "donner un avis")


def _refuse_partner(rules: ProgrammeRules, partner: Partner, verb: str = "décider sur") -> None:
    if partner in rules.advisers:
        raise DomainError(
            ErrorCode.PROGRAMME_NOT_DECIDED_BY_PARTNER,
            f"{partner.label} instruit « {rules.label} » et donne un avis : la décision revient à la préfecture"
            " de région.",
            field="programme",
            value=rules.code,
        )
    raise DomainError(
        ErrorCode.PROGRAMME_NOT_OPERATED,
        f"{partner.label} n'opère ni n'instruit le programme « {rules.label} » : il ne peut pas {verb} ses dossiers.",
        field="programme",
        value=rules.code,
    )


def _forbidden(role: str, rules: ProgrammeRules, verb: str) -> None:
    raise DomainError(
        ErrorCode.FORBIDDEN,
        f"Le rôle « {role} » ne permet pas de {verb} sur le programme « {rules.label} ».",
        field="programme",
        value=rules.code,
    )
