"""Which commands each partner may publish on its ingress topic (anything else: COMMAND_NOT_ALLOWED)."""

from .events.funding import (
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
from .events.vte import (
    DeclareVteGreenMission,
    DeclareVteGreenMissionV2,
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

_DECISIONS = (CommitGrant, ReleaseCommitment, RecordPayment, RefuseApplication, WithdrawApplication)
_FUNDING = tuple(spec_for(m).type for m in (FileApplication, FileApplicationV2, *_DECISIONS))
_OPERATE = (spec_for(DeclareProgramme).type,)
_ADVICE = (spec_for(RecordApplicationOpinion).type,)
_VTE_V1 = (RecordVteContract, EndVteContract, RecordVteAidPayment)
_VTE_V2 = (
    RecordVteOffer,
    RecordVteContractV2,
    DeclareVteGreenMission,
    DeclareVteGreenMissionV2,
    EndVteContractV2,
    RecordVteAidPaymentV2,
)
_VTE = tuple(spec_for(m).type for m in (*_VTE_V1, *_VTE_V2))

PARTNER_COMMANDS: dict[Partner, frozenset[str]] = {
    # Bpifrance operates the investment part of Rebond industriel and the VTE.
    Partner.BPIFRANCE: frozenset(_FUNDING + _OPERATE + _VTE),
    # Banque des Territoires lends and invests (sites clés en main, decarbonisation).
    Partner.BANQUE_DES_TERRITOIRES: frozenset(_FUNDING + _OPERATE),
    # ADEME supports the regional prefects on the Fonds vert applications: it files, records an avis, never decides
    # (its decisions are admitted so that they are answered PROGRAMME_NOT_DECIDED_BY_PARTNER, saying who decides).
    Partner.ADEME: frozenset(_FUNDING + _ADVICE),
    # No command is defined yet for these partners: their ingress topics exist and answer COMMAND_NOT_ALLOWED.
    Partner.BUSINESS_FRANCE: frozenset(),
    # Action Logement declares its housing aid to young people settling in a territory for a VTE mission.
    Partner.ACTION_LOGEMENT: frozenset({spec_for(RecordVteHousingAid).type}),
    Partner.FRANCE_TRAVAIL: frozenset(),
    Partner.DGEFP: frozenset(),
    Partner.APEC: frozenset(),
}


PROGRAMME_DECIDERS: dict[Programme, frozenset[Partner]] = {p: rules.deciders for p, rules in CATALOGUE.items()}
"""Partners that decide on a programme's dossiers (approve, refuse, withdraw, reduce, pay) through their ingress topic.
A partner's decision on a programme it advises on is refused with PROGRAMME_NOT_DECIDED_BY_PARTNER, on any other
with PROGRAMME_NOT_OPERATED. State staff decide as `role_decides` says."""
PROGRAMME_ADVISERS: dict[Programme, frozenset[Partner]] = {p: rules.advisers for p, rules in CATALOGUE.items()}
"""Partners that support a programme's instruction: they file, open the instruction, record an avis; never decide."""


def may_decide_on(partner: Partner | str, programme: Programme | str) -> bool:
    """True when the partner operates this programme (and so decides on its dossiers)."""
    return Partner(partner) in PROGRAMME_DECIDERS[Programme(programme)]


def may_advise_on(partner: Partner | str, programme: Programme | str) -> bool:
    """True when the partner supports this programme's instruction without deciding (ADEME on the Fonds vert)."""
    return Partner(partner) in PROGRAMME_ADVISERS[Programme(programme)]


def role_decides(role: str, programme: Programme | str) -> bool:
    """True when staff of this role decide on the programme's dossiers (within their own region or programme)."""
    return role in CATALOGUE[Programme(programme)].deciding_roles


def role_advises(role: str, programme: Programme | str) -> bool:
    """True when staff of this role give an avis on the programme's dossiers and never decide."""
    return role in CATALOGUE[Programme(programme)].advising_roles


def may_publish(partner: Partner | str, type_: str) -> bool:
    """True when the partner is allowed to publish this command type on its ingress topic."""
    return type_ in PARTNER_COMMANDS.get(Partner(partner), frozenset())  # a partner not listed: nothing (fail closed)
