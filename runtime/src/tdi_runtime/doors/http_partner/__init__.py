"""The HTTP door for partners (issue 25): a partner without a Kafka client POSTs its commands as CloudEvents
(structured or batch JSON); each is checked as the Kafka door checks it and produced onto that partner's ingress
topic, so the same consumer, inbox, rights and answers apply. `partner_door(service, group=...)` is the router."""

from tdi_runtime.doors.http_partner.router import partner_door
from tdi_runtime.doors.http_partner.settings import PartnerDoorSettings

__all__ = ["PartnerDoorSettings", "partner_door"]
