"""Which changes an open-data load brings to the database: pure, so a re-run with the same files plans nothing."""

from collections import Counter
from dataclasses import dataclass, field

from tdi_territory import limits
from tdi_territory.perimeter.communes import departement_of_commune as departement_of_commune
from tdi_territory.perimeter.domain import Epci
from tdi_territory.reference.open_data import Commune, OpenDataResult, RejectedRow


@dataclass(frozen=True)
class CurrentPerimeter:
    """What the database holds: official id per territory, territory per EPCI (open) and per commune."""

    official_ids: dict[str, str | None]
    epci_territory: dict[str, str]
    commune_territory: dict[str, str]


@dataclass
class OpenDataPlan:
    """The changes to apply, the rows the database contradicts, and how many rows were already applied."""

    official_ids: dict[str, str] = field(default_factory=dict)
    joins: list[tuple[str, Epci]] = field(default_factory=list)
    communes: list[tuple[str, Commune]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    already_applied: int = 0

    @property
    def empty(self) -> bool:
        return not (self.official_ids or self.joins or self.communes)


def plan_open_data(result: OpenDataResult, current: CurrentPerimeter) -> OpenDataPlan:
    """Compare the validated files with the database; `line` 0 marks a refusal by the database, not the file."""
    plan = OpenDataPlan()
    holder_of = {o: t for t, o in current.official_ids.items() if o}
    for territory_id, official in sorted(result.official_ids.items()):
        known, holder = current.official_ids.get(territory_id), holder_of.get(official)
        if known == official:
            plan.already_applied += 1
        elif known is not None or (holder is not None and holder != territory_id):
            message = (
                f"L'identifiant {official} contredit celui déjà enregistré pour ce territoire ({known or holder})."
            )
            plan.rejected.append(RejectedRow("communes", 0, "CONFLICTING_TERRITORY_ID", message))
        else:
            plan.official_ids[territory_id] = official
    members = Counter(current.epci_territory.values())
    for territory_id, epcis in sorted(result.epcis.items()):
        for epci in epcis:
            holder = current.epci_territory.get(epci.siren)
            if holder == territory_id:
                plan.already_applied += 1
            elif holder is not None:
                message = f"L'EPCI « {epci.name} » ({epci.siren}) fait déjà partie du territoire {holder}."
                plan.rejected.append(RejectedRow("epci", 0, "EPCI_ALREADY_IN_TERRITORY", message))
            elif members[territory_id] >= limits.MAX_EPCI:
                message = f"Le territoire {territory_id} compte déjà {limits.MAX_EPCI} EPCI, le maximum."
                plan.rejected.append(RejectedRow("epci", 0, "EPCI_LIMIT_REACHED", message))
            else:
                members[territory_id] += 1
                plan.joins.append((territory_id, epci))
    for territory_id, communes in sorted(result.communes.items()):
        for commune in communes:
            holder = current.commune_territory.get(commune.insee)
            if holder == territory_id:
                plan.already_applied += 1
            elif holder is not None:
                message = f"La commune {commune.insee} ({commune.name}) est déjà rattachée au territoire {holder}."
                plan.rejected.append(RejectedRow("communes", 0, "COMMUNE_IN_ANOTHER_TERRITORY", message))
            else:
                plan.communes.append((territory_id, commune))
    return plan
