"""Eligibility of a dossier to a programme: every failed reason at once, never just the first."""

from __future__ import annotations

from dataclasses import dataclass

from tdi_contracts.money import format_eur
from tdi_contracts.reference import Programme
from tdi_contracts.reference.programmes_catalogue import Declaration, ProgrammeRules
from tdi_funding.domain.chef_de_projet import Post, filing_failures
from tdi_funding.domain.envelope import Envelope


@dataclass(frozen=True)
class Dossier:
    """What eligibility looks at: the territory's facts and what the project asks for."""

    territory_labelled: bool
    territory_regions: tuple[str, ...]
    project_type: str | None
    value_chain: str | None
    instrument: str
    requested_cents: int
    eligible_cost_cents: int | None
    epci_count: int | None = None
    supported_by_local_authorities: bool | None = None
    linked_to_territory_strategy: bool | None = None
    industrial_shock: bool | None = None
    territory_id: str = ""
    funding_year: int | None = None
    post: Post | None = None
    """A chef de projet dossier's post, as funding knows it (None: unknown or not named)."""


DECLARATION_MISSING: dict[Declaration, tuple[str, str]] = {
    Declaration.SUPPORTED_BY_LOCAL_AUTHORITIES: (
        "local-authorities-support-missing",
        "le projet doit être soutenu par les collectivités locales concernées (à déclarer dans le dossier).",
    ),
    Declaration.LINKED_TO_TERRITORY_STRATEGY: (
        "territory-strategy-link-missing",
        "le projet doit s'inscrire en lien avec la stratégie industrielle du territoire (à déclarer dans le dossier).",
    ),
}
"""What a dossier that does not declare a required fact is told (P:541), by declaration."""


@dataclass(frozen=True)
class Ineligibility:
    code: str
    field: str
    message: str


def check(rules: ProgrammeRules, envelope: Envelope, dossier: Dossier) -> list[Ineligibility]:
    """Every reason the dossier is not eligible (empty: eligible)."""
    failed: list[Ineligibility] = []

    def fail(code: str, field: str, message: str) -> None:
        failed.append(Ineligibility(code, field, message))

    label = rules.label
    if rules.requires_labelled_territory and not dossier.territory_labelled:
        fail(
            "territory-not-labelled", "territory_id", f"{label} : le projet doit être situé dans un territoire lauréat."
        )
    if envelope.programme != rules.code:
        fail(
            "envelope-of-another-programme",
            "envelope_id",
            f"L'enveloppe {envelope.envelope_id} n'est pas de ce programme.",
        )
    if envelope.region is not None and envelope.region not in dossier.territory_regions:
        fail(
            "envelope-of-another-region",
            "envelope_id",
            f"L'enveloppe {envelope.envelope_id} est celle d'une autre région.",
        )
    if dossier.project_type is None or dossier.project_type not in rules.project_types:
        accepted = ", ".join(sorted(rules.project_types))
        fail("project-type-not-eligible", "project_type", f"Type de projet non éligible ; sont éligibles : {accepted}.")
    # The value chain is information (P:551 « A titre d'exemple »): never a reason to refuse.
    for declaration in sorted(rules.required_declarations):
        if getattr(dossier, declaration.value) is not True:
            code, message = DECLARATION_MISSING[declaration]
            fail(code, declaration.value, f"{label} : {message}")
    if dossier.instrument not in rules.instruments:
        fail("instrument-not-offered", "instrument", f"{label} n'offre pas l'instrument « {dossier.instrument} ».")
    if dossier.requested_cents <= 0:
        fail("amount-not-positive", "requested_cents", "Le montant demandé doit être positif.")
    if rules.within_eligible_cost:
        cost = dossier.eligible_cost_cents
        if cost is None:
            fail("eligible-cost-missing", "eligible_cost_cents", "Le coût éligible du projet doit être indiqué.")
        elif dossier.requested_cents > cost:
            fail(
                "amount-above-eligible-cost",
                "requested_cents",
                f"Le montant demandé dépasse le coût éligible ({format_eur(cost)}).",
            )
    if rules.yearly and dossier.funding_year is None:
        fail("funding-year-missing", "funding_year", f"{label} : l'année financée doit être indiquée (funding_year).")
    elif envelope.year is not None and dossier.funding_year not in (None, envelope.year):
        fail(
            "funding-year-not-envelope-year",
            "funding_year",
            f"L'enveloppe {envelope.envelope_id} est celle de {envelope.year}, pas de {dossier.funding_year}.",
        )
    if rules.code == Programme.CHEF_DE_PROJET.value:
        for code, field, message in filing_failures(
            dossier.post, dossier.territory_id, dossier.funding_year, dossier.requested_cents, dossier.epci_count
        ):
            fail(code, field, message)
    if envelope.ceiling_cents is not None and dossier.requested_cents > envelope.ceiling_cents:
        fail("amount-above-envelope", "requested_cents", "Le montant demandé dépasse le plafond de l'enveloppe.")
    return failed
