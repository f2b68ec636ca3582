"""Alerts on the live streams (issue 26). Four kinds, each with thresholds that are settings (platform rules: the
sources give none; the 90 % comes from the issue):

- `enveloppe-engagee`: an envelope committed above `alert_envelope_committed_pct` (90 %) of its ceiling;
- `plan-sans-progres`: a labelled territory none of whose fiches actions moved (proposed, planned, started, done,
  abandoned: the actions service's dates; a revised title or budget is not progress) for
  `alert_action_plan_idle_days` (90) days (a territory without any fiche has no plan to watch);
- `partenaire-rejets`: a partner whose answers of the last hour are rejections above `alert_partner_reject_pct`
  (20 %), once it got at least `alert_partner_min_answers` (20) answers in that hour;
- `territoire-sans-chef-de-projet`: a labelled territory without a chef de projet for `alert_no_chef_de_projet_days`
  (90) days, counted from the territory map's revision (`as_of`) that left it without one;
- `webhook-desactive`: a webhook subscription disabled after failing too long (`tdi_reporting.webhooks`), until it
  is enabled again or deleted.

Judged after each consumer batch (coalesced) and every `alert_interval_s` (time alone raises the "N days" ones), by
one replica at a time; an alert is a row of `alerts`, raised once and cleared when its cause is gone. Each change is
told, after commit, to the listeners of the process's `AlertSignal` (the webhooks of issue 25 subscribe there) and
counted in Prometheus (`tdi_alerts_active{kind}`, read from the table on each scrape).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import structlog
from prometheus_client import Gauge

from tdi_contracts.money import format_eur
from tdi_reporting.asof import PARIS
from tdi_reporting.domain import Filters
from tdi_reporting.facts import envelope_rows
from tdi_reporting.store import Scope, load_snapshot, load_territories
from tdi_runtime.pipeline.caller import REGION_ROLES, TERRITORY_ROLE, Caller

log = structlog.get_logger(__name__)

KINDS = {
    "enveloppe-engagee": "Enveloppe engagée au-delà du seuil",
    "plan-sans-progres": "Plan d'action sans progrès",
    "partenaire-rejets": "Taux de rejet d'un partenaire au-delà du seuil",
    "territoire-sans-chef-de-projet": "Territoire sans chef de projet",
    "webhook-desactive": "Webhook désactivé après des échecs répétés",
}
RAISED, CLEARED = "declenchee", "levee"


@dataclass(frozen=True)
class AlertRules:
    envelope_committed_pct: float = 90.0
    action_plan_idle_days: int = 90
    partner_reject_pct: float = 20.0
    partner_min_answers: int = 20
    no_chef_de_projet_days: int = 90
    partner_window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class AlertChange:
    """An alert raised (`declenchee`) or cleared (`levee`), as told to listeners."""

    kind: str
    subject: str
    state: str
    at: datetime
    details: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"type": self.kind, "sujet": self.subject, "etat": self.state, "le": self.at.isoformat(),
                "details": self.details}  # fmt: skip


Listener = Callable[[AlertChange], Awaitable[None] | None]


class AlertSignal:
    """The in-process seam of alert changes: `subscribe(listener)`; a listener's failure never stops the others."""

    def __init__(self) -> None:
        self.listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    async def publish(self, changes: list[AlertChange]) -> None:
        for change in changes:
            for listener in self.listeners:
                try:
                    result = listener(change)
                    if inspect.isawaitable(result):
                        await result
                except Exception:  # a listener of ours (a webhook) failing must not lose the others' changes
                    log.exception("alert_listener_failed", kind=change.kind, subject=change.subject)


async def _envelopes(conn: Any, rules: AlertRules) -> dict[tuple[str, str], dict[str, Any]]:
    tmap = await load_territories(conn)
    snapshot = await load_snapshot(conn, tmap, Scope(models=frozenset({"enveloppes"})))
    found = {}
    for row in envelope_rows(snapshot.envelopes, Filters(), tmap):
        ceiling, committed = row["plafond_centimes"], row["engage_centimes"]
        if ceiling and committed * 100 > rules.envelope_committed_pct * ceiling and not row["cloturee"]:
            found[("enveloppe-engagee", row["code_enveloppe"])] = {
                "programme": row["programme"],
                "region": row["code_region"],
                "plafond_centimes": ceiling,
                "engage_centimes": committed,
                "taux_engagement_pct": row["taux_engagement_pct"],
                "seuil_pct": rules.envelope_committed_pct,
            }
    return found


_IDLE_PLANS = """
SELECT t.territory_id, t.regions,
       max(greatest(f.proposed_on, f.planned_on, f.started_on, f.completed_on, f.abandoned_on)) AS last_change
FROM rm_fiche_action f JOIN known_territories t ON t.territory_id = f.territory_id OR t.official_id = f.territory_id
WHERE t.labelled
GROUP BY t.territory_id, t.regions
"""


async def _idle_plans(conn: Any, rules: AlertRules, today: date) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in await conn.fetch(_IDLE_PLANS):
        last = row["last_change"]
        if last is not None and (today - last).days >= rules.action_plan_idle_days:
            key = ("plan-sans-progres", row["territory_id"])
            if key not in found or found[key]["dernier_changement"] < last.isoformat():
                found[key] = {"regions": list(row["regions"]), "dernier_changement": last.isoformat(),
                              "jours": (today - last).days, "seuil_jours": rules.action_plan_idle_days}  # fmt: skip
    return found


_PARTNERS = """
SELECT partner, count(*) AS answers, count(*) FILTER (WHERE outcome = 'rejected') AS rejected
FROM rm_partner_answer WHERE answered_at > $1 AND answered_at <= $2 GROUP BY partner
"""


async def _partners(conn: Any, rules: AlertRules, now: datetime) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for row in await conn.fetch(_PARTNERS, now - rules.partner_window, now):
        answers, rejected = row["answers"], row["rejected"]
        if answers >= rules.partner_min_answers and rejected * 100 > rules.partner_reject_pct * answers:
            found[("partenaire-rejets", row["partner"])] = {
                "reponses": answers,
                "rejets": rejected,
                "taux_rejet_pct": round(100 * rejected / answers, 1),
                "seuil_pct": rules.partner_reject_pct,
                "fenetre_minutes": int(rules.partner_window.total_seconds() // 60),
            }
    return found


# Since when each labelled territory without a chef de projet has had none: the reference revision (`as_of`) of the
# oldest version of its current run of versions without one (the history of the territory map, migration 0007);
# today's row's revision when no history is kept.
_WITHOUT_CHEF = """
WITH versions AS (
    SELECT fact_key AS territory_id, tick_from, (doc ->> 'as_of')::timestamptz AS as_of,
           jsonb_array_length(doc -> 'chefs_de_projet') = 0 AS none
    FROM rm_history WHERE rm = 'known_territories'
), last_with AS (
    SELECT territory_id, max(tick_from) AS tick FROM versions WHERE NOT none GROUP BY territory_id
)
SELECT t.territory_id, t.regions,
       coalesce((SELECT min(v.as_of) FROM versions v LEFT JOIN last_with w USING (territory_id)
                 WHERE v.territory_id = t.territory_id AND v.none AND v.tick_from > coalesce(w.tick, 0)),
                t.as_of) AS since
FROM known_territories t WHERE t.labelled AND cardinality(t.chefs_de_projet) = 0
"""


async def _without_chef(conn: Any, rules: AlertRules, now: datetime) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for row in await conn.fetch(_WITHOUT_CHEF):
        days = (now - row["since"]).days
        if days >= rules.no_chef_de_projet_days:
            found[("territoire-sans-chef-de-projet", row["territory_id"])] = {
                "regions": list(row["regions"]),
                "depuis": row["since"].astimezone(PARIS).date().isoformat(),
                "jours": days,
                "seuil_jours": rules.no_chef_de_projet_days,
            }
    return found


_DISABLED_WEBHOOKS = """
SELECT subscription_id::text AS id, url, disabled_at, disabled_reason FROM webhook_subscriptions
WHERE NOT enabled AND disabled_at IS NOT NULL
"""


async def _disabled_webhooks(conn: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        ("webhook-desactive", row["id"]): {"depuis": row["disabled_at"].isoformat(), "raison": row["disabled_reason"]}
        for row in await conn.fetch(_DISABLED_WEBHOOKS)
    }


async def conditions(conn: Any, rules: AlertRules, now: datetime) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, subject) -> details, for every alert whose cause holds at `now`."""
    today = now.astimezone(PARIS).date()
    return {
        **await _envelopes(conn, rules),
        **await _idle_plans(conn, rules, today),
        **await _partners(conn, rules, now),
        **await _without_chef(conn, rules, now),
        **await _disabled_webhooks(conn),
    }


async def evaluate_alerts(
    pool: asyncpg.Pool, rules: AlertRules, now: datetime, signal: AlertSignal
) -> list[AlertChange]:
    """Raise the alerts whose cause holds and is not open yet, clear the open ones whose cause is gone, refresh the
    details of the others; then tell the listeners. [] when another replica is judging at this moment."""
    changes: list[AlertChange] = []
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':alerts'))"):
            return []
        holding = await conditions(conn, rules, now)
        open_ = {(r["kind"], r["subject"]): r for r in await conn.fetch(
            "SELECT kind, subject, details FROM alerts WHERE cleared_at IS NULL")}  # fmt: skip
        for (kind, subject), details in sorted(holding.items()):
            if (kind, subject) in open_:
                await conn.execute(
                    "UPDATE alerts SET details = $3::jsonb WHERE kind = $1 AND subject = $2 AND cleared_at IS NULL",
                    kind, subject, json.dumps(details),
                )  # fmt: skip
                continue
            await conn.execute(
                "INSERT INTO alerts (kind, subject, raised_at, details) VALUES ($1, $2, $3, $4::jsonb)",
                kind, subject, now, json.dumps(details),
            )  # fmt: skip
            changes.append(AlertChange(kind, subject, RAISED, now, details))
        for (kind, subject), row in sorted(open_.items()):
            if (kind, subject) not in holding:
                await conn.execute(
                    "UPDATE alerts SET cleared_at = $3 WHERE kind = $1 AND subject = $2 AND cleared_at IS NULL",
                    kind, subject, now,
                )  # fmt: skip
                changes.append(AlertChange(kind, subject, CLEARED, now, json.loads(row["details"])))
        for change in changes:  # the webhooks' ordered stream of alerts (it takes this transaction's tick)
            await conn.execute(
                "INSERT INTO alert_log (kind, subject, state, at, details) VALUES ($1, $2, $3, $4, $5::jsonb)",
                change.kind, change.subject, change.state, change.at, json.dumps(change.details),
            )  # fmt: skip
    await signal.publish(changes)
    return changes


def message(kind: str, subject: str, details: dict[str, Any]) -> str:
    """The alert in one French sentence (built from its details only: it never fails on a missing one)."""
    d = details
    if kind == "enveloppe-engagee":
        rate = f"{d.get('taux_engagement_pct', '?')}".replace(".", ",")
        return (f"L'enveloppe {subject} est engagée à {rate} % ({format_eur(int(d.get('engage_centimes') or 0))} sur "
                f"{format_eur(int(d.get('plafond_centimes') or 0))}), au-delà du seuil de "
                f"{str(d.get('seuil_pct', '?')).replace('.', ',')} %.")  # fmt: skip
    if kind == "plan-sans-progres":
        return f"Aucune fiche action du territoire {subject} n'a avancé depuis {d.get('jours', '?')} jours."
    if kind == "partenaire-rejets":
        rate = str(d.get("taux_rejet_pct", "?")).replace(".", ",")
        return (f"Le partenaire {subject} a vu {d.get('rejets', '?')} de ses {d.get('reponses', '?')} derniers "
                f"événements refusés dans l'heure ({rate} %).")  # fmt: skip
    if kind == "webhook-desactive":
        return (f"Le webhook {subject} est désactivé depuis le {str(d.get('depuis', '?'))[:10]} après des échecs "
                f"répétés ({d.get('raison', '?')}) : réactivez-le une fois le destinataire rétabli.")  # fmt: skip
    return f"Le territoire {subject} n'a pas de chef de projet depuis le {d.get('depuis', '?')}."


TERRITORY_KINDS = frozenset({"plan-sans-progres", "territoire-sans-chef-de-projet"})
"""The alerts whose subject is a territory (its platform id): the only ones a territory caller may see."""


def visible(access: Caller, kind: str, subject: str, details: dict[str, Any], official: dict[str, str | None]) -> bool:
    """Who sees an alert: a regional caller those of its region (never a partner's), an instructor an envelope of
    its own programme only, a territory caller its own territory's (`official`: a territory's official id, its token
    may name it so); the other roles every alert."""
    if access.role == TERRITORY_ROLE:
        return kind in TERRITORY_KINDS and access.reaches_territory((subject, official.get(subject)))
    if access.role in REGION_ROLES:
        regions = details.get("regions") or ([details["region"]] if details.get("region") else [])
        return kind != "partenaire-rejets" and access.region in regions
    if access.role == "instructor" and kind == "enveloppe-engagee":
        return bool(access.reaches_programme(details.get("programme")))
    return True


async def list_alerts(pool: asyncpg.Pool, access: Caller, *, active: bool, kind: str | None) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT alert_id, kind, subject, raised_at, cleared_at, details FROM alerts"
        " WHERE ($1::boolean IS FALSE OR cleared_at IS NULL) AND ($2::text IS NULL OR kind = $2)"
        " ORDER BY raised_at DESC, alert_id DESC LIMIT 1000",
        active,
        kind,
    )
    official: dict[str, str | None] = {}
    if access.role == TERRITORY_ROLE:
        known = await pool.fetch("SELECT territory_id, official_id FROM known_territories")
        official = {k["territory_id"]: k["official_id"] for k in known}
    out = []
    for r in rows:
        details = json.loads(r["details"])
        if not visible(access, r["kind"], r["subject"], details, official):
            continue
        out.append(
            {
                "id": r["alert_id"],
                "type": r["kind"],
                "libelle": KINDS.get(r["kind"], r["kind"]),
                "sujet": r["subject"],
                "message": message(r["kind"], r["subject"], details),
                "declenchee_le": r["raised_at"].isoformat(),
                "levee_le": r["cleared_at"].isoformat() if r["cleared_at"] else None,
                "details": details,
            }
        )
    return out


def alerts_gauge(registry: Any, service: str) -> Callable[[Any], Awaitable[None]]:
    """`tdi_alerts_active{kind}`, refreshed from the table on each scrape of /metrics (every replica agrees)."""
    labels = ["service", "kind"]
    gauge = Gauge("tdi_alerts_active", "Alerts raised and not cleared, per kind", labels, registry=registry)

    async def refresh(conn: Any) -> None:
        counts = {r["kind"]: r["n"] for r in await conn.fetch(
            "SELECT kind, count(*) AS n FROM alerts WHERE cleared_at IS NULL GROUP BY kind")}  # fmt: skip
        for kind in KINDS:
            gauge.labels(service, kind).set(counts.get(kind, 0))

    return refresh


def rules_of(options: Any) -> AlertRules:
    return AlertRules(
        envelope_committed_pct=options.alert_envelope_committed_pct,
        action_plan_idle_days=options.alert_action_plan_idle_days,
        partner_reject_pct=options.alert_partner_reject_pct,
        partner_min_answers=options.alert_partner_min_answers,
        no_chef_de_projet_days=options.alert_no_chef_de_projet_days,
    )
