"""Alerts on the live streams (issue 26): an envelope above 90 % committed, an action plan with no progress for N
days, a partner rejecting more than X % of its events over an hour, a territory without a chef de projet for N days.
Raised and cleared as rows, listed by `GET /api/alerts`, counted in Prometheus, and told to in-process listeners
(the seam the webhooks of issue 25 plug into)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import scenario

from tdi_contracts.events.funding import CommitmentReleased, GrantCommitted
from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected
from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_reporting.alerts import AlertRules, evaluate_alerts
from tdi_reporting.options import ReportingOptions

from .conftest import REGIONAL_TOKEN, fold_directly

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

NOW = datetime.now(UTC)
RULES = AlertRules(partner_min_answers=4)


@pytest.fixture(scope="module")
def options(isolation) -> ReportingOptions:
    """Alerts judged when the test says (no background evaluation), at least 4 answers in an hour for a rate."""
    return ReportingOptions(
        topic_prefix=isolation["prefix"],
        consumer_group=isolation["group"],
        alert_interval_s=0,
        snapshot_interval_s=0,
        alert_partner_min_answers=4,
    )


def _wire(model: type[Any], **values: Any) -> Any:
    return model.model_validate_json(json.dumps(values, default=str))


def _id(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"alerts/{seed}"))


def _grant(n: int, cents: int) -> Any:
    ids = {"grant_id": _id(f"grant-{n}"), "application_id": _id(f"app-{n}"), "territory_id": scenario.REIMS}
    return _wire(GrantCommitted, **ids, envelope_id=scenario.ENVELOPE, programme="fonds-vert-ti",
                 instrument="subvention", amount_cents=cents, committed_on="2024-03-04")  # fmt: skip


def _answers(partner: str, accepted: int, rejected: int, at: datetime) -> list[Any]:
    common = {"partner": partner, "partner_event_type": "fr.territoires-industrie.funding.FileApplication.v1"}
    out = [_wire(PartnerEventAccepted, **common, partner_event_id=f"{partner}-ok-{i}-{at:%H%M%S%f}", resulting_ids=[],
                 accepted_at=at) for i in range(accepted)]  # fmt: skip
    out += [_wire(PartnerEventRejected, **common, partner_event_id=f"{partner}-ko-{i}-{at:%H%M%S%f}",
                  code="INVALID_PAYLOAD", reason="Le contenu du message ne respecte pas le schéma de l'événement.",
                  rejected_at=at) for i in range(rejected)]  # fmt: skip
    return out


def _state(alerts: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(a["type"], a["sujet"]) for a in alerts if a["levee_le"] is None}


async def test_each_kind_of_alert_is_raised_listed_counted_told_and_cleared_when_its_cause_goes(reporting_service):
    async with reporting_service() as client:
        app = client._transport.app
        pool = app.state.runtime.pool
        told: list[Any] = []
        app.state.alerts.subscribe(told.append)
        await fold_directly(pool, scenario.programme())  # fiches last moved in January 2025; Châlons, Ajaccio: no chef
        await fold_directly(pool, [_grant(1, 620_000_000)])  # + 120 M€ - 20 M€ of the scenario: 720 M€ of 790 M€
        answers = _answers("ademe", 1, 3, NOW - timedelta(minutes=10)) + _answers("bpifrance", 9, 0, NOW)
        await fold_directly(pool, answers)

        changes = await evaluate_alerts(pool, RULES, NOW, app.state.alerts)
        expected = {
            ("enveloppe-engagee", scenario.ENVELOPE),  # 91.1 % committed
            ("partenaire-rejets", "ademe"),  # 3 of 4 answers in the hour (bpifrance: 0 of 9)
            ("territoire-sans-chef-de-projet", scenario.CHALONS),  # since 2 January 2024
            ("territoire-sans-chef-de-projet", scenario.AJACCIO),
            *{("plan-sans-progres", t.territory_id) for t in scenario.territories()},
        }
        assert {(c.kind, c.subject, c.state) for c in changes} == {(k, s, "declenchee") for k, s in expected}
        assert {(c.kind, c.subject, c.state) for c in told} == {(k, s, "declenchee") for k, s in expected}

        listed = (await client.get("/api/alerts")).json()
        assert _state(listed["alertes"]) == expected
        envelope = next(a for a in listed["alertes"] if a["type"] == "enveloppe-engagee")
        assert envelope["libelle"] == "Enveloppe engagée au-delà du seuil"
        assert envelope["details"]["taux_engagement_pct"] == 91.1 and envelope["details"]["seuil_pct"] == 90.0
        assert "91,1 %" in envelope["message"]
        metrics = (await client.get("/metrics")).text
        assert 'tdi_alerts_active{kind="territoire-sans-chef-de-projet",service="reporting"} 2.0' in metrics
        assert await evaluate_alerts(pool, RULES, NOW, app.state.alerts) == []  # nothing new: nothing raised twice

        release = _wire(CommitmentReleased, grant_id=_id("grant-1"), territory_id=scenario.REIMS,
                        envelope_id=scenario.ENVELOPE, released_cents=100_000_000, reason="underspent",
                        released_on="2025-06-30")  # fmt: skip
        chef = scenario.territories()[1].model_dump(mode="json") | {"revision": 2, "chefs_de_projet": [_id("chef")]}
        await fold_directly(pool, [release, _wire(TerritoryReferenceUpdated, **chef)])
        told.clear()
        changes = await evaluate_alerts(pool, RULES, NOW + timedelta(hours=2), app.state.alerts)  # ademe: > 1 h ago
        cleared = {("enveloppe-engagee", scenario.ENVELOPE), ("partenaire-rejets", "ademe"),
                   ("territoire-sans-chef-de-projet", scenario.CHALONS)}  # fmt: skip
        assert {(c.kind, c.subject) for c in changes} == cleared and {c.state for c in changes} == {"levee"}
        assert {(c.kind, c.subject, c.state) for c in told} == {(k, s, "levee") for k, s in cleared}
        history = (await client.get("/api/alerts", params={"actives": "false"})).json()["alertes"]
        assert {(a["type"], a["sujet"]) for a in history if a["levee_le"]} == cleared
        metrics = (await client.get("/metrics")).text
        assert 'tdi_alerts_active{kind="enveloppe-engagee",service="reporting"} 0.0' in metrics


async def test_a_regional_caller_sees_the_alerts_of_its_region_only(reporting_service):
    async with reporting_service() as client:
        regional = (await client.get("/api/alerts", headers={"Authorization": f"Bearer {REGIONAL_TOKEN}"})).json()
        subjects = {a["sujet"] for a in regional["alertes"]}
        assert scenario.REIMS in subjects and scenario.AJACCIO not in subjects  # Grand Est's, not Corsica's
        assert "ademe" not in subjects  # a partner's answers are not a region's
