"""Which commands each partner may publish on its ingress topic (anything else: COMMAND_NOT_ALLOWED)."""

from .events.funding import CommitGrant, FileApplication, RecordPayment, ReleaseCommitment
from .events.vte import EndVteContract, RecordVteAidPayment, RecordVteContract
from .reference.partners import Partner
from .registry import spec_for

_FUNDING = tuple(spec_for(m).type for m in (FileApplication, CommitGrant, ReleaseCommitment, RecordPayment))
_VTE = tuple(spec_for(m).type for m in (RecordVteContract, EndVteContract, RecordVteAidPayment))

PARTNER_COMMANDS: dict[Partner, frozenset[str]] = {
    # Bpifrance operates the investment part of Rebond industriel and the VTE.
    Partner.BPIFRANCE: frozenset(_FUNDING + _VTE),
    # Banque des Territoires lends and invests (sites clés en main, decarbonisation).
    Partner.BANQUE_DES_TERRITOIRES: frozenset(_FUNDING),
    # ADEME supports the regional prefects on the Fonds vert applications.
    Partner.ADEME: frozenset(_FUNDING),
    # No command is defined yet for these partners: their ingress topics exist and answer COMMAND_NOT_ALLOWED.
    Partner.BUSINESS_FRANCE: frozenset(),
    Partner.ACTION_LOGEMENT: frozenset(),
    Partner.FRANCE_TRAVAIL: frozenset(),
    Partner.DGEFP: frozenset(),
    Partner.APEC: frozenset(),
}


def may_publish(partner: Partner | str, type_: str) -> bool:
    """True when the partner is allowed to publish this command type on its ingress topic."""
    return type_ in PARTNER_COMMANDS[Partner(partner)]
