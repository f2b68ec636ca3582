"""The checker: reads the whole history (every topic, every feedback, every dead letter, the services' APIs)
and counts what was lost, applied twice or over-committed against what the stream sent (its `Ledger`)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected
from tdi_localstack.faults import stream as s
from tdi_localstack.faults.harness import FaultPlatform
from tdi_localstack.faults.history import History, read_history, wait_quiet
from tdi_localstack.faults.http import call
from tdi_localstack.faults.ledger import Ledger
from tdi_localstack.faults.replay import replay_differences
from tdi_runtime.dlq import parse

GROUPS = ["tdi-actions", "tdi-funding", "tdi-vte", "tdi-reporting"]
VTE_MAX_CENTS, VTE_BASE_CENTS = 1_200_000, 400_000


@dataclass
class CheckResult:
    events: int = 0
    lost: int = 0
    applied_twice: int = 0
    over_commit: int = 0
    rejected_without_reason: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, text: str) -> None:
        if kind:
            setattr(self, kind, getattr(self, kind) + 1)
        self.problems.append(text)


def _effects(history: History) -> dict[str, Counter[str]]:
    """Distinct events of each effect, by the business key the stream's commands name."""
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for name, key in (
        ("ApplicationFiledV2", "application_id"),
        ("ApplicationInstructionStarted", "application_id"),
        ("GrantCommittedV2", "grant_id"),
        ("BinomeAppointed", "binome_id"),
        ("FicheActionProposed", "fiche_action_id"),
        ("FicheActionPlanned", "fiche_action_id"),
        ("VteAidGrantedV2", "vte_contract_id"),
        ("VteAidRefused", "vte_contract_id"),
    ):
        for _, payload in history.of_type(name):
            by[name][str(getattr(payload, key))] += 1
    for _, payload in history.of_type("PaymentMade"):
        by["PaymentMade"][f"{payload.grant_id}|{payload.partner_reference}"] += 1
    for _, payload in history.of_type("VteAidAdjusted"):
        if str(payload.cause).endswith("green-mission-declared"):
            by["GreenDeclared"][str(payload.vte_contract_id)] += 1
    return by


def _count(result: CheckResult, what: str, n: int, expected: int = 1) -> None:
    if n < expected:
        result.problem("lost", f"{what}: {n} effect(s), expected {expected}")
    elif n > expected:
        result.problem("applied_twice", f"{what}: {n} effects, expected {expected}")


def _answers(history: History) -> dict[str, list[Any]]:
    answers: dict[str, dict[str, Any]] = defaultdict(dict)
    for topic, events in history.events.items():
        if topic.endswith(".feedback.v1"):
            for envelope, payload in events:
                if isinstance(payload, PartnerEventAccepted | PartnerEventRejected):
                    answers[payload.partner_event_id].setdefault(envelope.id, payload)
    return {k: list(v.values()) for k, v in answers.items()}


def _partner_events(result: CheckResult, ledger: Ledger, history: History, dead: dict[str, Any]) -> None:
    effects, answers = _effects(history), _answers(history)
    green_contracts = set()
    for event in ledger.partner_events.values():
        got = answers.get(event.event_id, [])
        if not got:
            result.problem("lost", f"{event.type} {event.event_id}: no answer on the feedback topic")
            continue
        last = got[-1]
        if isinstance(last, PartnerEventRejected):
            if not (last.code and last.reason):
                result.problem("rejected_without_reason", f"{event.event_id}: rejected without a reason")
            if event.event_id not in dead:
                result.problem("", f"{event.event_id}: rejected ({last.code}) but not dead-lettered")
            continue
        ids = {str(r.kind): str(r.id) for r in last.resulting_ids}
        if event.type == s.FILE:
            _count(
                result,
                f"application {ids.get('application')}",
                effects["ApplicationFiledV2"][ids.get("application", "")],
            )
        elif event.type == s.COMMIT:
            _count(result, f"grant {ids.get('grant')}", effects["GrantCommittedV2"][ids.get("grant", "")])
        elif event.type == s.PAY:
            _count(result, f"payment {event.ref}", effects["PaymentMade"][event.ref])
        elif event.type == s.CONTRACT:
            contract = ids.get("vte-contract", "")
            decided = effects["VteAidGrantedV2"][contract] + effects["VteAidRefused"][contract]
            _count(result, f"VTE contract {event.ref}", decided)
        elif event.type == s.GREEN:
            green_contracts.add(event.ref)
    contracts = {e.ref: e for e in ledger.partner_events.values() if e.type == s.CONTRACT and e.accepted}
    for reference in green_contracts:
        recorded = contracts.get(reference)
        if recorded is not None:
            cid = next((r.split(":", 1)[1] for r in recorded.resulting if r.startswith("vte-contract:")), "")
            _count(result, f"green mission of {reference}", effects["GreenDeclared"][cid])


def _http(result: CheckResult, ledger: Ledger, history: History) -> None:
    effects = _effects(history)
    for key, (status, body) in ledger.http.items():
        if status >= 500 or (status >= 400 and not (isinstance(body, dict) and body.get("code"))):
            result.problem("", f"{key}: HTTP {status} without a stable code: {str(body)[:200]}")
        if status >= 300:
            continue
        if "-binome-" in key:
            _count(result, key, effects["BinomeAppointed"][body["binome_id"]])
        elif "-fiche-planned-" in key:
            _count(result, key, effects["FicheActionPlanned"][body["id"]])
        elif "-fiche-" in key:
            _count(result, key, effects["FicheActionProposed"][body["id"]])
        elif "-instruction-" in key:
            application = ledger.applications[int(key.rsplit("-", 1)[1])]
            _count(result, key, effects["ApplicationInstructionStarted"][application])


def _money(result: CheckResult, platform: FaultPlatform, ledger: Ledger, history: History) -> None:
    token, urls = platform.token, platform.urls
    _, listed = call(urls["funding"], "/envelopes", token)
    for e in listed["envelopes"] if isinstance(listed, dict) else listed:
        ceiling = e["ceiling_cents"]  # null: not published, nothing may be committed (issue 24, A4)
        held = e["committed_cents"] + e.get("allocated_cents", 0)
        if not 0 <= e["paid_cents"] <= e["committed_cents"] or held > (0 if ceiling is None else ceiling):
            result.problem("over_commit", f"envelope {e['envelope_id']}: {e}")
    committed = {str(p.grant_id): p.amount_cents for _, p in history.of_type("GrantCommittedV2")}
    paid: Counter[str] = Counter()
    for _, p in history.of_type("PaymentMade"):
        paid[str(p.grant_id)] += p.amount_cents
    for grant, amount in paid.items():
        if amount > committed.get(grant, 0):
            result.problem("over_commit", f"grant {grant}: paid {amount} > committed {committed.get(grant, 0)}")
    for unit, application in ledger.applications.items():
        _, a = call(urls["funding"], f"/applications/{application}", token)
        if a.get("paid_cents", 0) > a.get("committed_cents", 0) or a.get("committed_cents", 0) > a.get(
            "requested_cents", 0
        ):
            result.problem("over_commit", f"application {unit}: {json.dumps(a)[:300]}")
    offset, aids = 0, []
    while True:
        _, page = call(urls["vte"], f"/vte/aids?limit=500&offset={offset}", token)
        aids += page["aids"]
        offset += 500
        if offset >= page["count"]:
            break
    seen = Counter(a["vte_contract_id"] for a in aids)
    result.figures["vte_aids"] = len(aids)
    for a in aids:
        if a["total_cents"] > VTE_MAX_CENTS or a["base_cents"] > VTE_BASE_CENTS or seen[a["vte_contract_id"]] > 1:
            result.problem("over_commit", f"VTE aid {a['contract_reference']}: {a}")
    for contract, n in Counter(str(p.vte_contract_id) for _, p in history.of_type("VteAidGrantedV2")).items():
        if n > 1:
            result.problem("applied_twice", f"VTE contract {contract}: base aid granted {n} times")


def check(platform: FaultPlatform, ledger: Ledger, *, replay: bool = True) -> CheckResult:
    """Every promise of the issue against the history; `replay`: rebuild the read models and compare."""
    result = CheckResult(events=ledger.events)
    wait_quiet(platform.bootstrap, GROUPS)
    history = asyncio.run(read_history(platform.bootstrap))
    dead: dict[str, Any] = {}
    for topic, records in history.records.items():
        if topic.startswith("tdi.dlq."):
            for record in records:
                letter = parse(record)
                dead[letter.event_id] = letter
    _partner_events(result, ledger, history, dead)
    _http(result, ledger, history)
    for event_id, topic in ledger.poison.items():
        found = dead.get(event_id)
        if found is None or not found.reason:
            result.problem("lost", f"poison {event_id} on {topic}: not in the dead letters with a reason")
    _money(result, platform, ledger, history)
    if replay:
        for difference in replay_differences(platform):
            result.problem("", f"read models differ from a replay: {difference}")
    result.figures |= {
        "records": sum(len(r) for r in history.records.values()),
        "same_id_twice": history.resent,
        "dead_letters": len(dead),
        "undecodable": sum(history.undecodable.values()),
    }
    return result
