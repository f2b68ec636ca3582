"""What the actions service consumes: the territory service's events, folded into its own projection of the
territories (the kit's `tdi_runtime.territories`), so a fiche is checked against a territory known locally."""

from __future__ import annotations

from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.territories import TERRITORY_TOPICS, territory_handlers

GROUP = "tdi-actions"


def consumers(group: str = GROUP) -> list[ConsumerSpec]:
    """One group reading the compacted reference topic and the territory topic; other types are passed over."""
    return [ConsumerSpec(group=group, topics=list(TERRITORY_TOPICS), handlers=territory_handlers())]
