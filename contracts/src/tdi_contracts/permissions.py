"""Which commands each partner may publish on its ingress topic (anything else: COMMAND_NOT_ALLOWED)."""

from .events.funding import CommitGrant, FileApplication, RecordPayment, ReleaseCommitment
from .events.vte import (
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
from .reference.partners import Partner
from .reference.programmes import Programme
from .reference.programmes_catalogue import CATALOGUE
from .registry import spec_for

_FUNDING = tuple(spec_for(m).type for m in (FileApplication, CommitGrant, ReleaseCommitment, RecordPayment))
_VTE_V1 = (RecordVteContract, EndVteContract, RecordVteAidPayment)
_VTE_V2 = (RecordVteOffer, RecordVteContractV2, DeclareVteGreenMission, EndVteContractV2, RecordVteAidPaymentV2)
_VTE = tuple(spec_for(m).type for m in (*_VTE_V1, *_VTE_V2))

PARTNER_COMMANDS: dict[Partner, frozenset[str]] = {
    # Bpifrance operates the investment part of Rebond industriel and the VTE.
    Partner.BPIFRANCE: frozenset(_FUNDING + _VTE),
    # Banque des Territoires lends and invests (sites clés en main, decarbonisation).
    Partner.BANQUE_DES_TERRITOIRES: frozenset(_FUNDING),
    # ADEME supports the regional prefects on the Fonds vert applications.
    Partner.ADEME: frozenset(_FUNDING),
    # No command is defined yet for these partners: their ingress topics exist and answer COMMAND_NOT_ALLOWED.
    Partner.BUSINESS_FRANCE: frozenset(),
    # Action Logement declares its housing aid to young people settling in a territory for a VTE mission.
    Partner.ACTION_LOGEMENT: frozenset({spec_for(RecordVteHousingAid).type}),
    Partner.FRANCE_TRAVAIL: frozenset(),
    Partner.DGEFP: frozenset(),
    Partner.APEC: frozenset(),
}


PROGRAMME_DECIDERS: dict[Programme, frozenset[Partner]] = {
    programme: rules.operators | rules.instructors for programme, rules in CATALOGUE.items()
}
"""Partners that may decide on a programme's dossiers (its operators and instructors; State staff decide on all).
A partner's funding command on another programme is refused with PROGRAMME_NOT_OPERATED."""


def may_decide_on(partner: Partner | str, programme: Programme | str) -> bool:
    """True when the partner operates or instructs this programme."""
    return Partner(partner) in PROGRAMME_DECIDERS[Programme(programme)]


def may_publish(partner: Partner | str, type_: str) -> bool:
    """True when the partner is allowed to publish this command type on its ingress topic."""
    return type_ in PARTNER_COMMANDS.get(Partner(partner), frozenset())  # a partner not listed: nothing (fail closed)
