"""The stream: a realistic mix of staff and partner commands through all five services, with known ids.

Per unit `i` of a stream tagged `tag`: a binôme (territory, HTTP), a fiche action proposed then planned (actions,
HTTP), a Bpifrance Rebond industriel (investment part) application (partner ingress) instructed by staff (HTTP), then
committed by Bpifrance (`CommitGrant`, 3 units in 4) or refused by staff, then paid by Bpifrance in two parts (every
5th grant also gets a payment beyond its commitment, to be refused); Bpifrance operates that programme and decides
on it, while on the Fonds vert ADEME only advises (issue 24, A1); a Bpifrance VTE contract
(`RecordVteContract.v2`), a green mission for one in three (every 6th declared twice with another amount, to be
refused) and, every 7th, the same contract again with other terms (refused: no base aid twice), in a commune of a
territory whose perimeter the platform knows (`tdi_localstack.perimeters`, joined before any fault: issue 24). The
90 M€ envelope runs out when the stream is large: the refusals prove the ceiling holds.
"""

from __future__ import annotations

import math
import random
import threading
import zlib
from typing import Any

from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_ingress_topic
from tdi_localstack.demo_data import siren, siret
from tdi_localstack.faults import partners as p
from tdi_localstack.faults.harness import FaultPlatform
from tdi_localstack.faults.http import call
from tdi_localstack.faults.ledger import Ledger
from tdi_localstack.perimeters import known_perimeters

FILE = "fr.territoires-industrie.funding.FileApplication.v1"
REBOND = "rebond-industriel-investissement"
COMMIT = "fr.territoires-industrie.funding.CommitGrant.v1"
PAY = "fr.territoires-industrie.funding.RecordPayment.v1"
CONTRACT = "fr.territoires-industrie.vte.RecordVteContract.v2"
GREEN = "fr.territoires-industrie.vte.DeclareVteGreenMission.v1"
BPI = Partner.BPIFRANCE


class Stream:
    """`Stream(platform, tag, size).run()` -> Ledger. Options: `poison_rate`, `duplicates`, `out_of_order`."""

    def __init__(
        self,
        platform: FaultPlatform,
        tag: str,
        size: int,
        *,
        poison_rate: float = 0.0,
        duplicates: bool = False,
        out_of_order: bool = False,
    ) -> None:
        self.platform, self.size = platform, size
        self.poison_rate, self.duplicates, self.out_of_order = poison_rate, duplicates, out_of_order
        self.ledger = Ledger(tag)
        self.base = 1_000 + zlib.crc32(tag.encode()) % 90_000 * 10
        self.rng = random.Random(tag)  # noqa: S311 - reproducible test data

    @property
    def applied(self) -> int:
        return self.ledger.applied

    def run(self, wave: int = 8, until: threading.Event | None = None) -> Ledger:
        """Waves of `wave` units, each through every service, so every service has work all along; with `until`,
        more waves past `size` until it is set (the faults are done), at most ten times as many."""
        territories = self.territories()
        for start in range(0, self.size * (10 if until is not None else 1), wave):
            if start >= self.size and (until is None or until.is_set()):
                break
            units = range(start, start + wave if until is not None else min(start + wave, self.size))
            self._staff_commands(territories, units)
            self._funding(territories, units)
            self._vte(units)
        return self.ledger

    # -- staff (HTTP) ---------------------------------------------------------------------------------------
    def _post(self, service: str, path: str, body: Any, key: str) -> tuple[int, Any]:
        key, refusals = f"faults-{self.ledger.tag}-{key}", list[str]()
        status, answer = call(self.platform.urls[service], path, self.platform.token, body, key, refusals=refusals)
        self.ledger.http[key] = (status, answer)
        if refusals:
            self.ledger.refused[key] = refusals
        if status < 300:
            self.ledger.count_applied()
        return status, answer

    def territories(self) -> list[dict[str, Any]]:
        _, listed = call(self.platform.urls["territory"], "/territories?limit=500", self.platform.token)
        return [t for t in listed["territories"] if not t.get("label_withdrawn_on")]

    def _staff_commands(self, territories: list[dict[str, Any]], units: range) -> None:
        tag = self.ledger.tag
        for i in units:
            territory = territories[(self.base + i) % len(territories)]["id"]
            binome = {
                "elected_mandate": "maire",
                "industrial_company": f"Entreprise {tag}-{i}",
                "industrial_company_size": "pme",
                "industrial_sector": "industrie",
                "appointed_on": "2024-02-01",
            }
            self._post("territory", f"/territories/{territory}/binomes", binome, f"binome-{i}")
            fiche = {
                "territory_id": territory,
                "title": f"Action {tag}-{i}",
                "lead": "Communauté de communes",
                "categories": ["transition-energetique"],
                "estimated_cost_cents": 10_000_00 * (i + 1),
                "proposed_on": "2024-01-15",
                "external_reference": f"F-{tag}-{i}",
            }
            status, created = self._post("actions", "/fiches", fiche, f"fiche-{i}")
            if status < 300:
                self._post(
                    "actions",
                    f"/fiches/{created['id']}/status",
                    {"status": "planned", "on": "2024-02-01"},
                    f"fiche-planned-{i}",
                )

    # -- funding: Bpifrance (Rebond industriel, investment part) and the staff --------------------------------
    def application(self, territories: list[dict[str, Any]], i: int, requested: int) -> dict[str, Any]:
        """Bpifrance's Rebond industriel application of unit `i` (also what the cluster scenarios' probe files)."""
        territory = territories[(self.base + 7 * i) % len(territories)]
        n = self.base + i
        return {
            "partner_reference": f"BPI-F-{self.ledger.tag}-{i}",
            "territory_id": territory["id"],
            "programme": REBOND,
            "envelope_id": REBOND,
            "applicant_siren": siren(n),
            "establishment_siret": siret(n),
            "project_title": f"Projet {self.ledger.tag}-{i}",
            "requested_cents": requested,
            "eligible_cost_cents": requested * 3,
            "instrument": "subvention",
            "project_type": "investissement-industriel",
            "expected_jobs": 5,
            "productive_investment_cents": requested * 3,
            "funding_year": 2024,
        }

    def _funding(self, territories: list[dict[str, Any]], units: range) -> None:
        applications: list[tuple[str, dict[str, Any]]] = []
        for i in units:
            requested = self.rng.randrange(15, 90) * 10_000_00
            applications.append((str(i), self.application(territories, i, requested)))
        filed = self._publish(BPI, FILE, applications)
        commits, amounts = [], {}
        for (ref, payload), event_id in zip(applications, filed, strict=True):
            i, application = int(ref), p.resulting(self.ledger, event_id, "application")
            if application is None:
                continue
            self.ledger.applications[i] = application
            self._post("funding", f"/applications/{application}/instruction", {}, f"instruction-{i}")
            if i % 4 == 3:
                refusal = {"reason_code": "project-not-eligible", "reason": "Projet hors critères du programme."}
                self._post("funding", f"/applications/{application}/refusal", refusal, f"refusal-{i}")
                continue
            amounts[i] = payload["requested_cents"]
            commits.append(
                (
                    str(i),
                    {
                        "application_id": application,
                        "territory_id": payload["territory_id"],
                        "amount_cents": amounts[i],
                        "instrument": "subvention",
                        "partner_reference": f"BPI-G-{self.ledger.tag}-{i}",
                    },
                )
            )
        committed = self._publish(BPI, COMMIT, commits)
        payments = []
        for (ref, payload), event_id in zip(commits, committed, strict=True):
            i, grant = int(ref), p.resulting(self.ledger, event_id, "grant")
            if grant is None:
                continue
            self.ledger.grants[i] = grant
            half = amounts[i] // 2
            parts = [half, amounts[i] - half] + ([1] if i % 5 == 0 else [])
            for k, amount in enumerate(parts):
                payments.append(
                    (
                        f"{grant}|BPI-P-{self.ledger.tag}-{i}-{k}",
                        {
                            "grant_id": grant,
                            "territory_id": payload["territory_id"],
                            "amount_cents": amount,
                            "paid_on": "2024-06-01",
                            "partner_reference": f"BPI-P-{self.ledger.tag}-{i}-{k}",
                        },
                    )
                )
        self._publish(BPI, PAY, payments)

    # -- VTE: Bpifrance ------------------------------------------------------------------------------------
    def _vte(self, units: range) -> None:
        contracts, greens, again = [], [], []
        perimeters = known_perimeters()
        for i in units:
            perimeter = perimeters[(self.base + 3 * i) % len(perimeters)]
            reference, n = f"BPI-VTE-{self.ledger.tag}-{i}", 50_000 + self.base + i
            contract = {
                "contract_reference": reference,
                "establishment": {
                    "siret": siret(n),
                    "siren": siren(n),
                    "size": "pme",
                    "commune_insee": perimeter.commune(self.base + i),
                },
                "territory_id": perimeter.territory_id,
                "candidate": {
                    "candidate_reference": f"BPI-CAND-{self.ledger.tag}-{i}",
                    "status": "jeune-diplome",
                    "study_level": "bac+5",
                    "graduated_in": "2023-06",
                },
                "contract_type": "cdi",
                "duration_months": None,
                "starts_on": "2023-10-02",
                "signed_on": "2023-09-15",
                "aid_requested_on": "2023-10-20",
            }
            self.ledger.contracts[i] = reference
            contracts.append((reference, contract))
            if i % 7 == 0:
                again.append((reference, {**contract, "contract_type": "cdd", "duration_months": 24}))
            if i % 3 == 0:
                green = {
                    "contract_reference": reference,
                    "scope": "decarbonation",
                    "requested_cents": self.rng.randrange(2, 9) * 1_000_00,
                    "declared_on": "2023-10-20",
                }
                greens.append((reference, green))
                if i % 6 == 0:
                    greens.append((reference, {**green, "requested_cents": 8_000_00 - 1}))
        if self.out_of_order:  # green missions before their contracts: refused (unknown), then accepted once sent again
            self._publish(BPI, GREEN, greens, expect_answers=True)
        self._publish(BPI, CONTRACT, contracts)
        self._publish(BPI, CONTRACT, again)
        self._publish(BPI, GREEN, greens)

    # -- plumbing -----------------------------------------------------------------------------------------
    def _publish(
        self, partner: Partner, type_: str, payloads: list[tuple[str, dict[str, Any]]], expect_answers: bool = True
    ) -> list[str]:
        batch = p.commands(partner, type_, payloads)
        if not batch:
            return []
        bootstrap = self.platform.bootstrap
        service = "vte" if partner is BPI else "funding"
        poison = math.ceil(self.poison_rate * len(batch))
        if poison:
            p.send_poison(
                self.ledger,
                bootstrap,
                partner_ingress_topic(partner, service),
                poison,
                f"/partners/{partner.value}",
                partner.value,
            )
        p.send(self.ledger, bootstrap, partner, batch)
        if self.duplicates:  # the whole batch again, shuffled: a partner retrying after a timeout
            shuffled = list(batch)
            self.rng.shuffle(shuffled)
            p.send(self.ledger, bootstrap, partner, shuffled)
        ids = [c.event_id for _, c in batch]
        if expect_answers:
            p.await_answers(self.ledger, bootstrap, set(ids))
        return ids
