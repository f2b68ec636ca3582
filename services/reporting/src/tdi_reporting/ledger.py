"""The money ledger (issue 26, pure): for each programme, envelope, territory and year, what was committed
(autorisations d'engagement), paid by the State (crédits de paiement) and paid out by the operator; and every gap
between them, with its cause.

**Lines.** Each amount counts in the year of its own business date: a commitment in its `committed_on`'s year, a
release in its `released_on`'s, a payment in its `paid_on`'s, a VTE aid in the year it was granted, a State transfer
in its budget year. A payment is the State's (`verse_etat_centimes`) unless an operator made it
(`PaymentMade.paid_by`; a VTE aid is always paid out by Bpifrance): `verse_operateur_centimes`. A State transfer to an
operator is a national line (no territory) of its programme.

**Gaps** (platform rules, the sources set none):
- per grant and per VTE contract: paid more than committed net of releases: `montant-different`; paid without a
  commitment: `versement-non-engage`; paid less: `versement-attendu`, explained while within `due_days` of the
  commitment (`TDI_REPORTING_LEDGER_PAYMENT_DUE_DAYS`);
- per programme the State funds but an operator pays out (`STATE_FUNDED`: the VTE, whose State share is what the
  vte service asks of the State, and Rebond industriel's investment part, all of whose payouts are the State's),
  operator and year: the State's transfers against its share: short, `versement-attendu` (explained within
  `due_days` of the year's end); above it, `montant-different`;
- a gap named in a staff note (`LedgerGapExplained`, by its stable reference) is explained by that note.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tdi_contracts.reference import Programme
from tdi_contracts.reference.programmes_catalogue import CATALOGUE

CAUSES = {
    "versement-attendu": "Versement attendu",
    "versement-non-engage": "Versement sans engagement",
    "montant-different": "Montant différent de l'engagement",
}
STATE_FUNDED: dict[str, str] = {"vte": "bpifrance", "rebond-industriel-investissement": "bpifrance"}
"""Programme -> the operator the State funds to pay it out (platform rule, from the press kit's operators)."""
STATE = "État"
LINE_COLUMNS = (
    "programme",
    "libelle_programme",
    "code_enveloppe",
    "territoire",
    "annee",
    "engage_centimes",
    "verse_etat_centimes",
    "verse_operateur_centimes",
    "operateur",
)
GAP_COLUMNS = (
    "reference",
    "cause",
    "libelle_cause",
    "programme",
    "code_enveloppe",
    "territoire",
    "annee",
    "objet",
    "engage_centimes",
    "verse_centimes",
    "ecart_centimes",
    "explique",
    "explication",
)


@dataclass(frozen=True)
class Grant:
    grant_id: str
    programme: str | None
    envelope_id: str | None
    territory_id: str
    committed_cents: int | None
    committed_on: date | None


@dataclass(frozen=True)
class Release:
    grant_id: str
    envelope_id: str | None
    territory_id: str
    cents: int
    on: date | None


@dataclass(frozen=True)
class Payment:
    payment_id: str
    grant_id: str
    territory_id: str
    cents: int
    on: date | None
    paid_by: str | None = None


@dataclass(frozen=True)
class VteAid:
    contract_id: str
    territory_id: str
    granted_cents: int | None  # None: not granted (refused, or not decided yet)
    granted_on: date | None


@dataclass(frozen=True)
class VtePayout:
    payment_id: str
    contract_id: str
    territory_id: str
    cents: int
    on: date | None


@dataclass(frozen=True)
class VteRequest:
    contract_id: str
    funder: str
    cents: int
    on: date | None


@dataclass(frozen=True)
class Transfer:
    transfer_id: str
    programme: str
    operator: str
    envelope_id: str | None
    year: int
    cents: int
    on: date | None


@dataclass
class LedgerFacts:
    grants: list[Grant] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    vte_aids: list[VteAid] = field(default_factory=list)
    vte_payouts: list[VtePayout] = field(default_factory=list)
    vte_requests: list[VteRequest] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    notes: dict[str, tuple[str, date | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    due_days: int = 730


def gap_reference(cause: str, subject: str) -> str:
    """`G-` and 16 base32 characters: stable while the gap's cause and subject are (a note names it)."""
    digest = base64.b32encode(hashlib.sha256(f"{cause}|{subject}".encode()).digest()).decode()
    return f"G-{digest[:16]}"


def _year(on: date | None) -> int | None:
    return on.year if on else None


def _operator(programme: str | None) -> str:
    rules = CATALOGUE.get(Programme(programme)) if programme and programme in Programme._value2member_map_ else None
    operators = sorted(o.label for o in rules.deciders) if rules else []
    return ", ".join(operators) or STATE


def _label(programme: str | None) -> str:
    return Programme(programme).label if programme and programme in Programme._value2member_map_ else (programme or "")


def ledger_lines(facts: LedgerFacts) -> list[dict[str, Any]]:
    """One line per programme, envelope, territory and year: committed, paid by the State, paid out by the operator."""
    lines: dict[tuple[Any, ...], dict[str, int]] = defaultdict(
        lambda: {"engage_centimes": 0, "verse_etat_centimes": 0, "verse_operateur_centimes": 0}
    )
    grants = {g.grant_id: g for g in facts.grants}
    for grant in facts.grants:
        if grant.committed_cents is not None:
            where = (grant.programme, grant.envelope_id, grant.territory_id, _year(grant.committed_on))
            lines[where]["engage_centimes"] += grant.committed_cents
    for r in facts.releases:
        of = grants.get(r.grant_id)
        on = r.on or (of.committed_on if of else None)
        lines[(of.programme if of else None, r.envelope_id, r.territory_id, _year(on))]["engage_centimes"] -= r.cents
    for p in facts.payments:
        of = grants.get(p.grant_id)
        key = (of.programme if of else None, of.envelope_id if of else None, p.territory_id, _year(p.on))
        lines[key]["verse_operateur_centimes" if p.paid_by else "verse_etat_centimes"] += p.cents
    for a in facts.vte_aids:
        if a.granted_cents:
            lines[("vte", None, a.territory_id, _year(a.granted_on))]["engage_centimes"] += a.granted_cents
    for v in facts.vte_payouts:
        lines[("vte", None, v.territory_id, _year(v.on))]["verse_operateur_centimes"] += v.cents
    for t in facts.transfers:
        lines[(t.programme, t.envelope_id, "", t.year)]["verse_etat_centimes"] += t.cents
    out = [
        {
            "programme": programme,
            "libelle_programme": _label(programme),
            "code_enveloppe": envelope or "",
            "territoire": territory,
            "annee": year,
            **amounts,
            "operateur": _operator(programme),
        }
        for (programme, envelope, territory, year), amounts in lines.items()
    ]
    return sorted(out, key=lambda r: (r["programme"] or "", r["code_enveloppe"], r["territoire"], r["annee"] or 0))


def ledger_gaps(facts: LedgerFacts, today: date, rules: Rules) -> list[dict[str, Any]]:
    """Every gap between committed, paid and paid out, with its cause, whether it is explained and why."""
    gaps = [*_grant_gaps(facts, today, rules), *_vte_gaps(facts, today, rules), *_transfer_gaps(facts, today, rules)]
    for gap in gaps:
        note = facts.notes.get(gap["reference"])
        if note is not None:
            explanation, on = note
            gap["explique"] = True
            gap["explication"] = f"Note du {on.strftime('%d/%m/%Y')} : {explanation}" if on else explanation
    return sorted(gaps, key=lambda g: (g["objet"], g["cause"]))


def _gap(cause: str, subject: str, where: tuple[Any, ...], committed: int, paid: int, due: date | None,
         today: date) -> dict[str, Any]:  # fmt: skip
    programme, envelope, territory, year = where
    within = cause == "versement-attendu" and due is not None and today <= due
    explanation = f"Dans le délai de versement, jusqu'au {due.strftime('%d/%m/%Y')}." if within and due else ""
    return {
        "reference": gap_reference(cause, subject),
        "cause": cause,
        "libelle_cause": CAUSES[cause],
        "programme": programme,
        "code_enveloppe": envelope or "",
        "territoire": territory,
        "annee": year,
        "objet": subject,
        "engage_centimes": committed,
        "verse_centimes": paid,
        "ecart_centimes": abs(committed - paid),
        "explique": within,
        "explication": explanation,
    }


def _compare(subject: str, where: tuple[Any, ...], committed: int | None, paid: int, since: date | None,
             today: date, rules: Rules) -> list[dict[str, Any]]:  # fmt: skip
    if committed is None:
        return [_gap("versement-non-engage", subject, where, 0, paid, None, today)] if paid else []
    if paid > committed:
        return [_gap("montant-different", subject, where, committed, paid, None, today)]
    if paid < committed:
        due = since + timedelta(days=rules.due_days) if since else None
        return [_gap("versement-attendu", subject, where, committed, paid, due, today)]
    return []


def _grant_gaps(facts: LedgerFacts, today: date, rules: Rules) -> Iterable[dict[str, Any]]:
    released: dict[str, int] = defaultdict(int)
    paid: dict[str, list[Payment]] = defaultdict(list)
    for r in facts.releases:
        released[r.grant_id] += r.cents
    for p in facts.payments:
        paid[p.grant_id].append(p)
    grants = {g.grant_id: g for g in facts.grants}
    for grant_id in sorted(set(grants) | set(paid)):
        g = grants.get(grant_id)
        payments = paid.get(grant_id, [])
        amount = sum(p.cents for p in payments)
        if g is None or g.committed_cents is None:
            first = min((p.on for p in payments if p.on), default=None)
            where = (g.programme if g else None, g.envelope_id if g else None, payments[0].territory_id, _year(first))
            yield from _compare(f"subvention:{grant_id}", where, None, amount, None, today, rules)
            continue
        where = (g.programme, g.envelope_id, g.territory_id, _year(g.committed_on))
        net = g.committed_cents - released[grant_id]
        yield from _compare(f"subvention:{grant_id}", where, net, amount, g.committed_on, today, rules)


def _vte_gaps(facts: LedgerFacts, today: date, rules: Rules) -> Iterable[dict[str, Any]]:
    paid: dict[str, list[VtePayout]] = defaultdict(list)
    for v in facts.vte_payouts:
        paid[v.contract_id].append(v)
    aids = {a.contract_id: a for a in facts.vte_aids}
    for contract_id in sorted(set(aids) | set(paid)):
        a = aids.get(contract_id)
        payouts = paid.get(contract_id, [])
        amount = sum(v.cents for v in payouts)
        if a is None or not a.granted_cents:
            first = min((v.on for v in payouts if v.on), default=None)
            where = ("vte", None, payouts[0].territory_id if payouts else a.territory_id if a else "", _year(first))
            yield from _compare(f"contrat-vte:{contract_id}", where, None, amount, None, today, rules)
            continue
        where = ("vte", None, a.territory_id, _year(a.granted_on))
        yield from _compare(f"contrat-vte:{contract_id}", where, a.granted_cents, amount, a.granted_on, today, rules)


def _transfer_gaps(facts: LedgerFacts, today: date, rules: Rules) -> Iterable[dict[str, Any]]:
    owed: dict[tuple[str, str, int], int] = defaultdict(int)
    moved: dict[tuple[str, str, int], int] = defaultdict(int)
    envelope: dict[tuple[str, str, int], str | None] = {}
    vte_operator = STATE_FUNDED["vte"]
    for r in facts.vte_requests:
        if r.funder == "etat" and r.on is not None:
            owed[("vte", vte_operator, r.on.year)] += r.cents
    grants = {g.grant_id: g for g in facts.grants}
    for p in facts.payments:
        g = grants.get(p.grant_id)
        operated = g is not None and g.programme != "vte" and STATE_FUNDED.get(g.programme or "") == p.paid_by
        if g is not None and operated and p.paid_by and p.on is not None:
            owed[(g.programme or "", p.paid_by, p.on.year)] += p.cents
    for t in facts.transfers:
        moved[(t.programme, t.operator, t.year)] += t.cents
        envelope.setdefault((t.programme, t.operator, t.year), t.envelope_id)
    for key in sorted(set(owed) | set(moved)):
        programme, operator, year = key
        subject = f"transfert:{programme}:{operator}:{year}"
        where = (programme, envelope.get(key), "", year)
        due = date(year, 12, 31) + timedelta(days=rules.due_days)
        if owed[key] > moved[key]:
            yield _gap("versement-attendu", subject, where, owed[key], moved[key], due, today)
        elif moved[key] > owed[key]:
            yield _gap("montant-different", subject, where, owed[key], moved[key], None, today)
