"""What the vte service consumes: Bpifrance's VTE commands (one answer each on its feedback topic, through
the kit) and the territory service's events (the kit's projection, to locate establishments)."""

from __future__ import annotations

from tdi_contracts.events.vte import (
    DeclareVteGreenMission,
    EndVteContract,
    EndVteContractV2,
    RecordVteAidPayment,
    RecordVteAidPaymentV2,
    RecordVteContract,
    RecordVteContractV2,
    RecordVteHousingAid,
    RecordVteOffer,
)
from tdi_contracts.registry import spec_for
from tdi_contracts.topics import ingress_topics_of
from tdi_runtime.errors import DomainError
from tdi_runtime.events import outgoing
from tdi_runtime.handling import Handler, HandlerContext
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.territories import TERRITORY_TOPICS, territory_handlers
from tdi_vte import batch, use_cases
from tdi_vte.rules import VteRules

GROUP = "tdi-vte"


def vte_handlers(rules: VteRules) -> dict[str, Handler]:
    async def on_contract(ctx: HandlerContext) -> None:
        contract, events = await use_cases.record_signed_contract(ctx.conn, ctx.payload, rules, ctx.batch, ctx.defer)
        ctx.emit(*(outgoing(e, use_cases.PRODUCER, cause=ctx.envelope) for e in events))
        ctx.resulted_in("vte-contract", contract.vte_contract_id)

    async def on_follow_up(ctx: HandlerContext) -> None:
        contract, events = await use_cases.apply_follow_up(ctx.conn, ctx.payload, rules, ctx.batch, ctx.defer)
        ctx.emit(*(outgoing(e, use_cases.PRODUCER, cause=ctx.envelope) for e in events))
        if contract is not None:
            ctx.resulted_in("vte-contract", contract.vte_contract_id)

    async def on_offer(ctx: HandlerContext) -> None:
        await use_cases.record_offer(ctx.conn, ctx.payload, ctx.batch)

    async def on_v1(ctx: HandlerContext) -> None:
        raise DomainError(
            "Cette version de la commande VTE n'est plus appliquée : envoyez la version 2, qui désigne le contrat"
            " par la référence Bpifrance.",
            code="SCHEMA_VERSION_UNSUPPORTED",
        )

    follow_ups = (DeclareVteGreenMission, EndVteContractV2, RecordVteAidPaymentV2, RecordVteHousingAid)
    return {
        spec_for(RecordVteContractV2).type: on_contract,
        **{spec_for(m).type: on_follow_up for m in follow_ups},
        spec_for(RecordVteOffer).type: on_offer,
        **{spec_for(m).type: on_v1 for m in (RecordVteContract, EndVteContract, RecordVteAidPayment)},
    }


def consumer_spec(rules: VteRules, group: str = GROUP) -> ConsumerSpec:
    """One group for Bpifrance's commands and the territory projection (strict and answered on ingress only)."""
    return ConsumerSpec(
        group=group,
        topics=[*TERRITORY_TOPICS, *ingress_topics_of("vte")],
        handlers={**territory_handlers(), **vte_handlers(rules)},
        feedback=PartnerIngressFeedback("vte"),
        strict=True,
        prepare=batch.prepare,  # locks, contracts and places of a whole batch in a few statements
    )
