"""A small synthetic programme (labelled synthetic): territories in mainland France, Corsica, an overseas
département and an interregional territory, fiches actions, a Fonds vert envelope, applications, grants and
VTE contracts. Shared by the unit tests (expected figures) and the integration tests (published events)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from tdi_contracts.events.actions import FicheActionCompleted, FicheActionPlanned, FicheActionStarted
from tdi_contracts.events.funding import (
    ApplicationApproved,
    ApplicationFiled,
    ApplicationRejected,
    CommitmentReleased,
    EnvelopeOpened,
    GrantCommitted,
    PaymentMade,
)
from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_contracts.events.vte import VteAidGranted, VteAidPaid, VteContractSigned, VteGreenTopUpGranted

REIMS, CHALONS, AJACCIO, GUADELOUPE, LACQ = (
    "tdi-44-grand-reims",
    "tdi-44-pays-de-chalons",
    "tdi-94-pays-ajaccien",
    "tdi-01-cap-excellence",
    "tdi-75-lacq-pau-tarbes",
)
ENVELOPE = "fonds-vert-ti-2024-r44"
CHEF = "5d0c1c4e-7a55-4a7e-8d7b-2b8e3c1e9f02"


def _wire(model: type[Any], **values: Any) -> Any:
    return model.model_validate_json(json.dumps(values, default=str))


def _id(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def territories() -> list[Any]:
    def ref(
        tid: str,
        name: str,
        regions: list[str],
        deps: list[str],
        epci: list[str],
        binomes: int,
        chefs: list[str],
        official: str | None = None,
    ) -> Any:
        return _wire(
            TerritoryReferenceUpdated,
            territory_id=tid,
            revision=1,
            name=name,
            labelled=True,
            regions=regions,
            departements=deps,
            epci_sirens=epci,
            active_binomes=binomes,
            chefs_de_projet=chefs,
            as_of=datetime(2024, 1, 2, tzinfo=UTC),
            official_id=official,
        )

    return [
        ref(REIMS, "Grand Reims", ["44"], ["51"], ["200067213"], 2, [CHEF], "ti-8413"),
        ref(CHALONS, "Pays de Châlons", ["44"], ["51"], ["200066793", "200069177"], 1, []),
        ref(AJACCIO, "Pays ajaccien", ["94"], ["2A"], ["243500139"], 1, []),
        ref(GUADELOUPE, "Cap Excellence", ["01"], ["971"], ["200054781"], 1, [_id("chef-gp")]),
        ref(LACQ, "Lacq – Pau – Tarbes", ["75", "76"], ["64", "65"], [], 3, [_id("chef-lpt")]),
    ]


FICHES = [  # (territory quoted as, categories, started, completed)
    ("ti-8413", ["transition-energetique", "ecologie-industrielle"], True, False),
    (REIMS, ["formations-industrielles"], True, True),
    (CHALONS, ["requalification-friches"], False, False),
    (AJACCIO, ["numerique"], False, False),
    (GUADELOUPE, ["gestion-eau"], True, False),
    (LACQ, ["soutien-filieres", "recherche-innovation"], False, False),
]


def fiches() -> list[Any]:
    events: list[Any] = []
    for i, (tid, categories, started, completed) in enumerate(FICHES):
        fid = _id(f"fiche-{i}")
        events.append(
            _wire(
                FicheActionPlanned,
                fiche_action_id=fid,
                territory_id=tid,
                title=f"Action {i}",
                categories=categories,
                planned_on="2024-03-12",
            )
        )
        if started:
            events.append(_wire(FicheActionStarted, fiche_action_id=fid, territory_id=tid, started_on="2024-06-03"))
        if completed:
            events.append(_wire(FicheActionCompleted, fiche_action_id=fid, territory_id=tid, completed_on="2025-01-10"))
    return events


def funding() -> list[Any]:
    common = dict(
        programme="fonds-vert-ti",
        envelope_id=ENVELOPE,
        applicant_siren="732829320",
        project_title="Ligne de recyclage",
        instrument="subvention",
        filed_at="2024-01-15T09:30:00Z",
    )
    a1, a2, a3 = _id("app-1"), _id("app-2"), _id("app-3")
    g1 = _id("grant-1")
    return [
        _wire(
            EnvelopeOpened,
            envelope_id=ENVELOPE,
            programme="fonds-vert-ti",
            region="44",
            year=2024,
            ceiling_cents=790_000_000,
            opened_on="2024-01-02",
        ),
        _wire(
            ApplicationFiled,
            application_id=a1,
            territory_id=REIMS,
            requested_cents=150_000_000,
            eligible_cost_cents=600_000_000,
            expected_jobs=25,
            **common,
        ),
        _wire(ApplicationFiled, application_id=a2, territory_id=CHALONS, requested_cents=50_000_000, **common),
        _wire(ApplicationFiled, application_id=a3, territory_id=CHALONS, requested_cents=20_000_000, **common),
        _wire(
            ApplicationApproved,
            application_id=a1,
            territory_id=REIMS,
            approved_cents=120_000_000,
            approved_at="2024-03-01T14:00:00Z",
        ),
        _wire(
            ApplicationRejected,
            application_id=a2,
            territory_id=CHALONS,
            reason_code="incomplete-file",
            reason="Le dossier est incomplet.",
            rejected_at="2024-03-01T14:00:00Z",
        ),
        _wire(
            GrantCommitted,
            grant_id=g1,
            application_id=a1,
            territory_id=REIMS,
            envelope_id=ENVELOPE,
            programme="fonds-vert-ti",
            instrument="subvention",
            amount_cents=120_000_000,
            committed_on="2024-03-04",
        ),
        _wire(
            CommitmentReleased,
            grant_id=g1,
            territory_id=REIMS,
            envelope_id=ENVELOPE,
            released_cents=20_000_000,
            reason="underspent",
            released_on="2025-06-30",
        ),
        _wire(
            PaymentMade,
            payment_id=_id("pay-1"),
            grant_id=g1,
            territory_id=REIMS,
            amount_cents=60_000_000,
            paid_on="2024-05-15",
        ),
    ]


def vte() -> list[Any]:
    candidate = {
        "pseudonym": _id("cand"),
        "status": "jeune-diplome",
        "degree_level": "bac+5",
        "graduated_in": "2023-06",
    }
    events: list[Any] = []
    for i, (tid, size, green, paid) in enumerate(
        [(REIMS, "pme", True, True), (AJACCIO, "eti", False, True), (GUADELOUPE, "pme", False, False)]
    ):
        cid = _id(f"vte-{i}")
        events.append(
            _wire(
                VteContractSigned,
                vte_contract_id=cid,
                territory_id=tid,
                employer_siret="73282932000074",
                employer_size=size,
                candidate=candidate,
                green_mission=green,
                duration_months=12,
                starts_on="2024-09-02",
                signed_on="2024-07-10",
            )
        )
        events.append(
            _wire(VteAidGranted, vte_contract_id=cid, territory_id=tid, amount_cents=400_000, granted_on="2024-07-15")
        )
        if green:
            events.append(
                _wire(
                    VteGreenTopUpGranted,
                    vte_contract_id=cid,
                    territory_id=tid,
                    amount_cents=800_000,
                    granted_on="2024-07-15",
                )
            )
        if paid:
            events.append(
                _wire(
                    VteAidPaid,
                    payment_id=_id(f"vte-pay-{i}"),
                    vte_contract_id=cid,
                    territory_id=tid,
                    base_cents=400_000,
                    green_top_up_cents=800_000 if green else 0,
                    paid_on="2024-10-01",
                )
            )
    return events


def programme() -> list[Any]:
    """Every event of the scenario, in an order each producer could have published them."""
    return territories() + fiches() + funding() + vte()


def _example(model: type[Any], **overrides: Any) -> Any:
    from tdi_runtime.testing import example_payload

    return example_payload(model, **overrides)


NEW_CONTRACT = _id("vte-v2")


def later_events() -> list[Any]:
    """Event types added in contracts 0.2.0: a proposed (synthetic) fiche, a withdrawn application, the funding
    service's envelope balance, and a VTE contract through the v2 flow (grant, two payments, a request to a
    funder, a housing aid)."""
    from tdi_contracts.events.actions import FicheActionProposed
    from tdi_contracts.events.funding import ApplicationWithdrawn, EnvelopeBalanceChanged
    from tdi_contracts.events.vte import VteAidGrantedV2, VteAidPaymentRequested, VteHousingAidRecorded

    a4 = _id("app-4")
    filed = _wire(
        ApplicationFiled,
        application_id=a4,
        territory_id=CHALONS,
        requested_cents=10_000_000,
        programme="fonds-vert-ti",
        envelope_id=ENVELOPE,
        applicant_siren="732829320",
        project_title="Ligne de recyclage",
        instrument="subvention",
        filed_at="2024-01-15T09:30:00Z",
    )
    paid = [
        _wire(
            VteAidPaid,
            payment_id=_id(f"v2-pay-{i}"),
            vte_contract_id=NEW_CONTRACT,
            territory_id=LACQ,
            base_cents=base,
            green_top_up_cents=green,
            paid_on="2024-10-01",
        )
        for i, (base, green) in enumerate([(400_000, 0), (0, 300_000)])
    ]
    return [
        _example(
            FicheActionProposed,
            fiche_action_id=_id("fiche-v2"),
            territory_id=GUADELOUPE,
            categories=["marque-employeur"],
            synthetic=True,
        ),
        filed,
        _example(ApplicationWithdrawn, application_id=a4, territory_id=CHALONS),
        _example(EnvelopeBalanceChanged, envelope_id=ENVELOPE, changed_at="2025-01-01T00:00:00Z"),
        _example(
            VteAidGrantedV2,
            vte_contract_id=NEW_CONTRACT,
            territory_id=LACQ,
            departement="64",
            company_size="eti",
            green_top_up_cents=300_000,
            total_cents=700_000,
        ),
        *paid,
        _example(VteAidPaymentRequested, vte_contract_id=NEW_CONTRACT, territory_id=LACQ),
        _example(VteHousingAidRecorded, vte_contract_id=NEW_CONTRACT, territory_id=LACQ, amount_cents=150_000),
    ]


def synthetic_events() -> list[Any]:
    """Demonstration data that says so (`synthetic`, contracts 0.2.0): two binômes of Grand Reims (one ended), a
    dossier of Pays de Châlons, a VTE aid granted in Lacq – Pau – Tarbes and one refused outside every territory."""
    from tdi_contracts.events.territory import BinomeAppointed, BinomeEnded
    from tdi_contracts.events.vte import VteAidGrantedV2, VteAidRefused

    common = dict(
        programme="fonds-vert-ti",
        envelope_id=ENVELOPE,
        applicant_siren="732829320",
        project_title="[Démo] Ligne de recyclage (synthétique)",
        instrument="subvention",
        filed_at="2024-02-15T09:30:00Z",
    )
    b1, b2 = _id("binome-demo-1"), _id("binome-demo-2")
    return [
        _example(BinomeAppointed, territory_id=REIMS, binome_id=b1, synthetic=True),
        _example(BinomeAppointed, territory_id=REIMS, binome_id=b2, synthetic=True),
        _example(BinomeEnded, territory_id=REIMS, binome_id=b2),
        _wire(
            ApplicationFiled,
            application_id=_id("app-demo"),
            territory_id=CHALONS,
            requested_cents=1,
            synthetic=True,
            **common,
        ),
        _example(
            VteAidGrantedV2,
            vte_contract_id=_id("vte-demo-1"),
            territory_id=LACQ,
            departement="64",
            company_size="pme",
            synthetic=True,
        ),
        _example(VteAidRefused, vte_contract_id=_id("vte-demo-2"), territory_id=None, synthetic=True),
    ]


def registers() -> list[Any]:
    """The programme's registers (issue 24), one region per flag of `P:580` « 5 à 10 sites par région »: 11 sites
    proposed in Hauts-de-France (above), 6 in Grand Est (within; one retained, two synthetic, one supported) and 2 in
    Bretagne (below), outside every territory but Grand Reims'; three écoles de production (one synthetic), a
    synthetic Rebond industriel laureate, and a synthetic regional chef de projet post in Grand Est (Bretagne's
    ended)."""
    from tdi_contracts.events.territory import (
        EcoleDeProductionRecorded,
        RebondLaureateRecorded,
        RegionalChefDeProjetAppointed,
        RegionalChefDeProjetEnded,
        SiteMaturityChanged,
        SiteProposed,
        SiteSelected,
        SiteSupportRecorded,
    )

    def site(n: int, region: str, departement: str, commune: str, territory: str | None) -> Any:
        return _wire(SiteProposed, site_id=_id(f"site-{region}-{n}"), region=region, departement=departement,
                     commune_insee=commune, territory_id=territory, name=f"Site {n}",
                     criteria=["maitrise-fonciere"] if n % 2 else [], maturity="friche-a-rehabiliter",
                     proposed_on="2023-12-01", synthetic=region == "44" and n >= 4)  # fmt: skip

    def ecole(n: int, region: str, departement: str, commune: str, territory: str | None, **more: Any) -> Any:
        return _wire(EcoleDeProductionRecorded, ecole_id=_id(f"ecole-{n}"), region=region, departement=departement,
                     commune_insee=commune, territory_id=territory, name=f"École de production {n}",
                     opened_on="2022-09-01", **more)  # fmt: skip

    sites = [
        *(site(n, "32", "59", "59350", None) for n in range(11)),
        *(site(n, "44", "51", "51454", REIMS) for n in range(6)),
        *(site(n, "53", "35", "35238", None) for n in range(2)),
    ]
    return [
        *sites,
        _wire(SiteSelected, site_id=_id("site-44-1"), region="44", selected_on="2024-02-15"),
        _wire(SiteMaturityChanged, site_id=_id("site-44-2"), region="44", maturity="deja-cle-en-main",
              changed_on="2024-06-01"),
        _wire(SiteSupportRecorded, site_id=_id("site-44-1"), region="44", support_id=_id("support-44-1"),
              support="ingenierie", recorded_on="2024-04-15"),
        ecole(1, "44", "51", "51454", REIMS, via_programme=True),
        ecole(2, "44", "51", "51230", None, via_programme=False),
        ecole(3, "53", "35", "35238", None, via_programme=True, synthetic=True),
        _wire(RebondLaureateRecorded, territory_id=REIMS, laureate_since="2023-06-01", source="Démonstration",
              synthetic=True),
        _wire(RegionalChefDeProjetAppointed, post_id=_id("post-44"), region="44", employer="prefecture",
              appointed_on="2024-03-01", synthetic=True),
        _wire(RegionalChefDeProjetAppointed, post_id=_id("post-53"), region="53", employer="conseil-regional",
              appointed_on="2024-03-01"),
        _wire(RegionalChefDeProjetEnded, post_id=_id("post-53"), region="53", ended_on="2024-12-31"),
    ]  # fmt: skip
