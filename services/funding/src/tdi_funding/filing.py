"""Filing a dossier: the territory from the local projection, every eligibility reason at once, one dossier
per partner reference (a partner filing the same reference again gets the same dossier back)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import ApplicationFiledV2
from tdi_contracts.events.funding.applications import ApplicationDetails
from tdi_contracts.reference.geography import region_of_commune
from tdi_contracts.reference.programmes_catalogue import regional_envelope_id
from tdi_funding import store_applications
from tdi_funding.actor import Actor
from tdi_funding.commands import BY_REGION, FileFromDemarches
from tdi_funding.domain.application import Application
from tdi_funding.domain.eligibility import Dossier, check
from tdi_funding.domain.envelope import ceiling_not_set
from tdi_funding.posts import load_post
from tdi_funding.repositories import FundingUnitOfWork
from tdi_runtime.errors import DomainError
from tdi_runtime.territories.lookup import locate_commune


async def file_application(
    uow: FundingUnitOfWork,
    details: ApplicationDetails,
    actor: Actor,
    now: datetime,
    partner_reference: str | None = None,
    application_id: UUID | None = None,
    extra: dict[str, str] | None = None,
) -> UUID:
    """Files a dossier (draft then filed in one step) while its envelope takes dossiers (C4); refused with every failed
    eligibility reason. Platform rule (`TDI_FUNDING_FILING_WITHOUT_CEILING`, `uow.rules.filing_without_ceiling`): an
    envelope whose ceiling is not published yet takes dossiers (committed only once staff set it)."""
    uow.caller.require_programme(str(details.programme))
    rules = await uow.programmes.of(str(details.programme))
    actor.require_filing(rules)
    if partner_reference is not None:
        existing = await store_applications.find_by_partner_reference(uow.conn, actor.name, partner_reference)
        if existing is not None:  # the same dossier sent again under another event id: one dossier
            return existing
    envelope = await uow.envelopes.get(details.envelope_id)
    if envelope is None:
        raise DomainError(
            ErrorCode.UNKNOWN_AGGREGATE, f"L'enveloppe {details.envelope_id} est inconnue.", field="envelope_id"
        )
    envelope.require_filing_open(now.date())
    if envelope.ceiling_cents is None and not uow.rules.filing_without_ceiling:
        raise ceiling_not_set(envelope.envelope_id)
    if rules.requires_labelled_territory:
        ref = await uow.territories.known(details.territory_id)
        territory_id, labelled, regions, epci = ref.territory_id, ref.labelled, ref.regions, ref.epci_count
        actor.require_territory((ref.territory_id, ref.official_id))
    else:  # platform rule: a site clé en main may lie outside any known Territoire d'industrie
        ref_or_none = await uow.territories.get(details.territory_id)
        territory_id = ref_or_none.territory_id if ref_or_none else details.territory_id
        labelled = bool(ref_or_none and ref_or_none.labelled)
        regions = ref_or_none.regions if ref_or_none else ((envelope.region,) if envelope.region else ())
        epci = ref_or_none.epci_count if ref_or_none else 0
        actor.require_territory((territory_id, ref_or_none.official_id if ref_or_none else None))
    actor.require_reach(tuple(regions), envelope)
    dossier = Dossier(
        territory_labelled=labelled,
        territory_regions=tuple(regions),
        project_type=details.project_type.value if details.project_type else None,
        value_chain=details.value_chain.value if details.value_chain else None,
        instrument=details.instrument.value,
        requested_cents=details.requested_cents,
        eligible_cost_cents=details.eligible_cost_cents,
        epci_count=epci or None,
        supported_by_local_authorities=details.supported_by_local_authorities,
        linked_to_territory_strategy=details.linked_to_territory_strategy,
        industrial_shock=details.industrial_shock,
        territory_id=territory_id,
        funding_year=details.funding_year,
        post=await load_post(uow.conn, details.chef_de_projet_id),
    )
    failed = check(rules, envelope, dossier)
    if failed:
        raise DomainError(
            ErrorCode.APPLICATION_NOT_ELIGIBLE,
            " ".join(f.message for f in failed),
            field_errors=[{"path": f.field, "code": f.code, "message": f.message} for f in failed],
        )
    application = Application(
        application_id or uuid4(), territory_id, str(details.programme), envelope.envelope_id, details.requested_cents
    )
    application.file(now, actor.name)
    stored = store_applications.StoredApplication(
        application=application,
        regions=tuple(regions),
        filed_by=actor.name,
        partner_reference=partner_reference,
        details={
            **{k: v for k, v in details.model_dump(mode="json").items() if k in ApplicationDetails.model_fields},
            **(extra or {}),
        },
        filed_at=now,
        updated_at=now,
    )
    await uow.dossiers.file(stored)
    filed = ApplicationFiledV2(
        **{k: getattr(details, k) for k in ApplicationDetails.model_fields if k != "territory_id"},
        territory_id=territory_id,
        application_id=application.application_id,
        partner_reference=partner_reference,
        filed_at=now,
    )
    uow.emit(filed)
    return application.application_id


async def file_from_demarches(uow: FundingUnitOfWork, c: FileFromDemarches, actor: Actor, now: datetime) -> UUID:
    """A Démarches simplifiées dossier filed (`tdi_funding.demarches`): its commune located in the territory that
    holds it, its envelope the one its settings file names (`by-region`: the programme's envelope of the commune's
    region for the year it was deposited, platform rule), then the one filing rule above, under the dossier's
    stable id, its link kept (`demarches_link`) and nobody's name or e-mail."""
    place = await locate_commune(uow.conn, c.commune_insee)
    if place.territory is None:
        if place.perimeter_known:
            raise DomainError(
                ErrorCode.UNKNOWN_COMMUNE,
                f"La commune {c.commune_insee} du dossier n'est dans aucun Territoire d'industrie connu.",
                field="commune",
            )
        raise DomainError(
            ErrorCode.TERRITORY_PERIMETER_PENDING,
            f"Le périmètre des territoires qui pourraient contenir la commune {c.commune_insee} n'est pas encore"
            " connu : le dossier sera repris à sa prochaine modification ou par une relance.",
            field="commune",
        )
    year = c.filed_at.year
    envelope_id = c.envelope
    if envelope_id == BY_REGION:
        envelope_id = regional_envelope_id(c.programme, year, region_of_commune(place.commune_insee))
    details = ApplicationDetails(
        territory_id=place.territory.territory_id,
        programme=c.programme,
        envelope_id=envelope_id,
        applicant_siren=c.applicant_siren,
        establishment_siret=c.establishment_siret,
        project_title=c.project_title,
        requested_cents=c.requested_cents,
        eligible_cost_cents=c.eligible_cost_cents,
        instrument=c.instrument,
        project_type=c.project_type,
        funding_year=year,
        supported_by_local_authorities=c.supported_by_local_authorities,
        linked_to_territory_strategy=c.linked_to_territory_strategy,
    )
    extra = {"demarches_link": c.link}
    return await file_application(
        uow, details, actor, now, partner_reference=c.partner_reference, application_id=c.application_id, extra=extra
    )
