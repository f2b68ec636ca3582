"""The synthetic records of the demo (pure: no I/O), reproducible from a seed.

Fonds vert 2024: in each region, applications filed through ADEME's ingress topic, each declaring what the sources
require (supported by the local authorities, linked to the territory's strategy), most approved by staff within the
regional envelope, one refused, the rest still under instruction. Only Grand Est's ceiling is published: the demo
sets the 17 others as staff would, labelled synthetic (`synthetic_ceilings`).
VTE: 300 contracts sent by Bpifrance (the figure of Nov 2023), about a third on a « VTE vert » mission, each in a
commune of a territory the demo gave a known perimeter (`DemoTerritory.communes`, from `tdi_localstack.perimeters`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tdi_contracts.ids import luhn_is_valid

APPLICATIONS_PER_REGION = 8
APPROVED_PER_REGION = 5
MAX_REQUESTED = 890_000_00
"""The largest amount a demo dossier asks (150 000 € to 890 000 €)."""
SYNTHETIC_FLOOR = 4_500_000_00
"""Every synthetic regional ceiling holds at least the demo's approvals there (5 × 890 000 € = 4 450 000 €)."""
UNPUBLISHED_TOTAL = 92_100_000_00
"""100 M€ (P:75) minus Grand Est's 7.9 M€ (M:274): what the 17 unpublished regional ceilings may share."""
VTE_CONTRACTS = 300
SIZES = ("pme", "tpe", "eti", "pme")
VALUE_CHAINS = ("bioeconomie", "mobilites-durables", "recyclage-economie-circulaire", "souverainete-alimentaire")
GREEN_SCOPES = ("decarbonation", "efficacite-energetique", "economie-circulaire", "energies-renouvelables")


@dataclass(frozen=True)
class DemoTerritory:
    territory_id: str
    regions: tuple[str, ...]
    departements: tuple[str, ...]
    communes: tuple[str, ...] = ()
    """Communes the territory holds once its perimeter is known (`tdi_localstack.perimeters`); none: no VTE there."""


def _with_luhn(digits: str) -> str:
    """`digits` followed by the one check digit that makes the whole a valid Luhn number."""
    return next(digits + str(d) for d in range(10) if luhn_is_valid(digits + str(d)))


def siren(n: int) -> str:
    return _with_luhn(f"{900_000_00 + n:08d}")


def siret(n: int) -> str:
    return _with_luhn(f"{siren(n)}0001")


def fonds_vert_applications(
    territories: list[DemoTerritory], envelopes: dict[str, str], seed: int = 2024
) -> list[dict[str, Any]]:
    """ADEME's FileApplication payloads: APPLICATIONS_PER_REGION per region with a Fonds vert envelope."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    payloads = []
    for region, envelope_id in sorted(envelopes.items()):
        local = [t for t in territories if region in t.regions]
        for n in range(APPLICATIONS_PER_REGION if local else 0):
            territory = local[n % len(local)]
            requested = rng.randrange(15, 90) * 10_000_00  # 150 000 € to MAX_REQUESTED, whole 10 k€
            number = int(region) * 100 + n
            payloads.append(
                {
                    "partner_reference": f"ADEME-DEMO-{region}-{n:02d}",
                    "territory_id": territory.territory_id,
                    "programme": "fonds-vert-ti",
                    "envelope_id": envelope_id,
                    "applicant_siren": siren(number),
                    "establishment_siret": siret(number),
                    "project_title": f"[Démo] Projet industriel {region}-{n:02d} (synthétique)",
                    "requested_cents": requested,
                    "eligible_cost_cents": requested * 3,
                    "instrument": "subvention",
                    "value_chain": VALUE_CHAINS[n % len(VALUE_CHAINS)],
                    "project_type": "investissement-industriel",
                    "expected_jobs": rng.randrange(2, 40),
                    "productive_investment_cents": requested * 3,
                    "funding_year": 2024,
                    "supported_by_local_authorities": True,  # P:541, required by the Fonds vert
                    "linked_to_territory_strategy": True,
                    "synthetic": True,
                }
            )
    return payloads


def synthetic_ceilings(territories_per_region: dict[str, int]) -> dict[str, int]:
    """Demonstration ceilings for the 17 regions whose share is not published: SYNTHETIC_FLOOR each, the rest of the
    92.1 M€ by number of territories (largest remainders get the cents), so they add up to exactly 92.1 M€. Set by
    command with provenance `synthetic`: the dashboard says « plafond fictif (démonstration) »."""
    regions = sorted(r for r in territories_per_region if r != "44")
    weights = {r: max(1, territories_per_region[r]) for r in regions}
    spare, total = UNPUBLISHED_TOTAL - SYNTHETIC_FLOOR * len(regions), sum(weights.values())
    shares = {r: spare * weights[r] // total for r in regions}
    by_remainder = sorted(regions, key=lambda r: (-(spare * weights[r] % total), r))
    for r in by_remainder[: spare - sum(shares.values())]:
        shares[r] += 1
    return {r: SYNTHETIC_FLOOR + shares[r] for r in regions}


def vte_contracts(
    territories: list[DemoTerritory], seed: int = 2023
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Bpifrance's RecordVteContract (v2) payloads, each with its green mission declaration or None, spread over
    the territories with communes (issue 24: the vte service locates an establishment by its commune), each in one of
    its communes (real INSEE codes)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    located = [t for t in territories if t.communes]
    if not located:
        raise ValueError("no territory with a known perimeter: the VTE contracts would be held, not decided")
    records = []
    for n in range(VTE_CONTRACTS):
        territory = located[n % len(located)]
        commune = territory.communes[rng.randrange(len(territory.communes))]
        reference = f"BPI-VTE-DEMO-{n:04d}"
        contract = {
            "contract_reference": reference,
            "establishment": {"siret": siret(50_000 + n), "siren": siren(50_000 + n), "size": SIZES[n % 4],
                              "commune_insee": commune},
            "territory_id": territory.territory_id,
            "candidate": {"candidate_reference": f"BPI-CAND-DEMO-{n:04d}", "status": "jeune-diplome",
                          "study_level": ("bac+3", "bac+5", "bac+5", "bac+8")[n % 4], "graduated_in": "2023-06"},
            "contract_type": ("cdd", "cdi", "cdd", "apprentissage")[n % 4],
            "duration_months": None if n % 4 == 1 else 12 + 6 * (n % 3),
            "starts_on": "2023-10-02",
            "signed_on": "2023-09-15",
            "aid_requested_on": "2023-10-20",
            "synthetic": True,
        }  # fmt: skip
        green: dict[str, Any] | None = None
        if n % 3 == 0:
            requested = rng.randrange(2, 9) * 1_000_00  # 2 000 € to 8 000 €
            scope = GREEN_SCOPES[n % len(GREEN_SCOPES)]
            green = {"contract_reference": reference, "scope": scope, "requested_cents": requested,
                     "declared_on": "2023-10-20"}  # fmt: skip
        records.append((contract, green))
    return records
