"""What the funding service consumes: the territory projection (kit) and the partners' funding commands.

Each partner (Bpifrance, Banque des Territoires, ADEME) publishes on `tdi.partner.<partner>.funding.v1`: it files,
decides (commit, refuse, withdraw, release, pay) on the programmes it operates and records an avis on those it
advises on (`tdi_contracts.permissions`);
`PartnerIngressFeedback("funding")` answers each record exactly once on the partner's feedback topic, the
inbox makes a redelivered record a no-op, and a command repeated under a new event id has one effect too
(same partner reference, same decision, same payment reference).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tdi_contracts.events.funding import (
    CommitGrant,
    DeclareProgramme,
    FileApplication,
    FileApplicationV2,
    RecordApplicationOpinion,
    RecordPayment,
    RefuseApplication,
    ReleaseCommitment,
    WithdrawApplication,
)
from tdi_contracts.reference.programmes_catalogue import DeclaredProgrammeSeed
from tdi_contracts.registry import spec_for
from tdi_contracts.topics import ingress_topics_of, partner_of_ingress_topic
from tdi_funding import deciding, grants, programmes
from tdi_funding.filing import file_application
from tdi_funding.posts import post_handlers
from tdi_funding.settings import FundingRules
from tdi_funding.use_cases import PRODUCER, Actor, Result
from tdi_runtime.events import outgoing
from tdi_runtime.handling import Handler, HandlerContext
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.territories import TERRITORY_TOPICS, territory_handlers

GROUP = "tdi-funding"


def _actor(ctx: HandlerContext) -> Actor:
    partner = partner_of_ingress_topic(ctx.delivery.topic)
    assert partner is not None  # the feedback admitted the record from an ingress topic only
    return Actor(partner.value, partner)


def _answer(ctx: HandlerContext, result: Result) -> None:
    ctx.emit(*(outgoing(p, PRODUCER, cause=ctx.envelope) for p in result.events))
    for kind, id_ in result.resulting:
        ctx.resulted_in(kind, id_)


def filing(rules: FundingRules) -> Handler:
    async def on_file_application(ctx: HandlerContext) -> None:
        command: FileApplication = ctx.payload
        result = await file_application(
            ctx.conn,
            command,
            _actor(ctx),
            _now(),
            partner_reference=command.partner_reference,
            without_ceiling=rules.filing_without_ceiling,
        )
        _answer(ctx, result)

    return on_file_application


async def on_commit_grant(ctx: HandlerContext) -> None:
    command: CommitGrant = ctx.payload
    _answer(
        ctx,
        await deciding.approve(
            ctx.conn, command.application_id, command.amount_cents, _actor(ctx), _now(), str(command.territory_id)
        ),
    )


async def on_release_commitment(ctx: HandlerContext) -> None:
    c: ReleaseCommitment = ctx.payload
    _answer(
        ctx,
        await grants.release(
            ctx.conn, c.grant_id, c.released_cents, c.reason, _actor(ctx), _now(), str(c.territory_id)
        ),
    )


async def on_record_payment(ctx: HandlerContext) -> None:
    c: RecordPayment = ctx.payload
    result = await grants.pay(
        ctx.conn, c.grant_id, c.partner_reference, c.amount_cents, c.paid_on, _actor(ctx), _now(), str(c.territory_id)
    )
    _answer(ctx, result)


async def on_refuse_application(ctx: HandlerContext) -> None:
    c: RefuseApplication = ctx.payload
    result = await deciding.refuse(
        ctx.conn, c.application_id, c.reason_code, c.reason, _actor(ctx), _now(), str(c.territory_id)
    )
    _answer(ctx, result)


async def on_withdraw_application(ctx: HandlerContext) -> None:
    c: WithdrawApplication = ctx.payload
    _answer(ctx, await deciding.withdraw(ctx.conn, c.application_id, _actor(ctx), _now(), str(c.territory_id)))


async def on_record_opinion(ctx: HandlerContext) -> None:
    c: RecordApplicationOpinion = ctx.payload
    result = await deciding.record_opinion(
        ctx.conn, c.application_id, c.opinion, c.text, _actor(ctx), _now(), str(c.territory_id)
    )
    _answer(ctx, result)


async def on_declare_programme(ctx: HandlerContext) -> None:
    c: DeclareProgramme = ctx.payload
    partner = _actor(ctx).partner
    assert partner is not None
    seed = DeclaredProgrammeSeed(
        c.programme,
        c.label,
        partner,
        frozenset(c.instruments),
        frozenset(c.project_types),
        c.labelled_territories_only,
    )
    _answer(ctx, await programmes.declare(ctx.conn, seed, _now().date()))


def _now() -> datetime:
    return datetime.now(UTC)


def partner_handlers(rules: FundingRules | None = None) -> dict[str, Handler]:
    return {
        spec_for(FileApplication).type: filing(rules or FundingRules()),
        spec_for(FileApplicationV2).type: filing(rules or FundingRules()),
        spec_for(DeclareProgramme).type: on_declare_programme,
        spec_for(CommitGrant).type: on_commit_grant,
        spec_for(ReleaseCommitment).type: on_release_commitment,
        spec_for(RecordPayment).type: on_record_payment,
        spec_for(RefuseApplication).type: on_refuse_application,
        spec_for(WithdrawApplication).type: on_withdraw_application,
        spec_for(RecordApplicationOpinion).type: on_record_opinion,
    }


def consumer_spec(group: str = GROUP, rules: FundingRules | None = None) -> ConsumerSpec:
    """One consumer group: the territory projection (with funding's chef de projet posts) and every partner's funding
    ingress topic."""
    return ConsumerSpec(
        group=group,
        topics=[*TERRITORY_TOPICS, *ingress_topics_of("funding")],
        handlers={**territory_handlers(), **post_handlers(), **partner_handlers(rules)},
        feedback=PartnerIngressFeedback("funding"),
        strict=True,
    )
