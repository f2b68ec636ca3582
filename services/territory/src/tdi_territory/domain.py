"""Pure domain model of a Territoire d'industrie, the one aggregate of the service: its label, its EPCI
(intercommunalités), its binômes élus-industriels and the chef de projet posts serving it. The store loads it
whole (`store.load_territory`), so every rule of one territory runs here, on the real object; the value objects
live with their concern (`perimeter.domain`, `governance.domain`)."""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError
from tdi_territory import limits
from tdi_territory.governance.domain import Binome
from tdi_territory.perimeter.domain import Epci

# Re-exported: the accent- and case-insensitive search helper.
from tdi_territory.reference.names import normalise_name as normalise_name


class TerritoryStatus(StrEnum):
    """Whether a territory still runs in Temps II."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


@dataclass
class Territory:
    """A labelled territory; made of EPCI, led by binômes, served by chef de projet posts (ids of open ones)."""

    id: str
    name: str
    departements: tuple[str, ...]
    regions: tuple[str, ...]
    interregional: bool
    official_id: str | None = None
    labelled_for_temps_ii: bool = True
    status: TerritoryStatus = TerritoryStatus.ACTIVE
    epcis: dict[str, Epci] = field(default_factory=dict)
    binomes: list[Binome] = field(default_factory=list)  # ended ones included: the history is kept
    chefs_de_projet: list[UUID] = field(default_factory=list)
    labelled_on: date | None = None
    label_withdrawn_on: date | None = None

    @property
    def active_binomes(self) -> list[Binome]:
        return [b for b in self.binomes if b.ended_on is None]

    def join(self, epci: Epci, holder: "Territory | None") -> None:
        """An EPCI is in at most one territory at a time: `holder` is the territory it is in now, if any."""
        self._refuse_if_withdrawn()
        if holder is not None:
            raise DomainError(
                ErrorCode.EPCI_ALREADY_IN_TERRITORY,
                f"L'EPCI « {epci.name} » ({epci.siren}) fait déjà partie du territoire « {holder.name} ».",
                field="siren",
                territory_id=holder.id,
            )
        if len(self.epcis) >= limits.MAX_EPCI:
            message = f"Le territoire « {self.name} » compte déjà {limits.MAX_EPCI} EPCI, le maximum."
            raise DomainError(ErrorCode.EPCI_LIMIT_REACHED, message, field="siren")
        self.epcis[epci.siren] = epci

    def leave(self, siren: str) -> Epci:
        if siren not in self.epcis:
            message = f"L'EPCI {siren} ne fait pas partie du territoire « {self.name} »."
            raise DomainError(ErrorCode.EPCI_NOT_IN_TERRITORY, message, field="siren")
        return self.epcis.pop(siren)

    def appoint_binome(self, binome: Binome) -> None:
        self._refuse_if_withdrawn()
        if len(self.active_binomes) >= limits.MAX_ACTIVE_BINOMES:
            message = f"Le territoire « {self.name} » a déjà {limits.MAX_ACTIVE_BINOMES} binômes en fonction."
            raise DomainError(ErrorCode.BINOME_LIMIT_REACHED, message)
        self.binomes.append(binome)

    def end_binome(self, binome_id: UUID, on: date) -> Binome:
        """The binôme leaves office on `on`; an active territory keeps at least one (record the successor first)."""
        binome = next((b for b in self.binomes if b.id == binome_id), None)
        if binome is None:
            message = f"Le binôme {binome_id} ne mène pas le territoire « {self.name} »."
            raise DomainError(ErrorCode.UNKNOWN_BINOME, message, field="binome_id", value=str(binome_id))
        if binome.ended_on is not None:
            message = f"Le binôme a quitté ses fonctions le {binome.ended_on.isoformat()}."
            raise DomainError(ErrorCode.BINOME_ALREADY_ENDED, message)
        if binome.appointed_on is not None and on < binome.appointed_on:
            message = f"Le binôme ne peut pas finir ({on}) avant sa désignation ({binome.appointed_on})."
            raise DomainError(ErrorCode.INVALID_BINOME, message, field="ended_on")
        if self.status is TerritoryStatus.ACTIVE and self.active_binomes == [binome]:
            message = f"Le territoire « {self.name} » doit garder au moins un binôme élu-industriel."
            raise DomainError(ErrorCode.BINOME_REQUIRED, message)
        ended = replace(binome, ended_on=on)
        self.binomes[self.binomes.index(binome)] = ended
        return ended

    def serve_post(self, post_id: UUID) -> None:
        """A chef de projet post (new or shared) now serves the territory."""
        self._refuse_if_withdrawn()
        if len(self.chefs_de_projet) >= limits.MAX_CHEFS_DE_PROJET:
            message = (
                f"Le territoire « {self.name} » a déjà {limits.MAX_CHEFS_DE_PROJET} postes de chef de projet ouverts."
            )
            raise DomainError(ErrorCode.CHEF_DE_PROJET_LIMIT_REACHED, message, territory_id=self.id)
        self.chefs_de_projet.append(post_id)

    def withdraw_label(self, on: date) -> None:
        if self.status is TerritoryStatus.WITHDRAWN:
            raise DomainError(
                ErrorCode.LABEL_ALREADY_WITHDRAWN, f"Le label du territoire « {self.name} » est déjà retiré."
            )
        if self.labelled_on is not None and on < self.labelled_on:
            message = f"Le label ne peut pas être retiré ({on}) avant d'avoir été donné ({self.labelled_on})."
            raise DomainError(ErrorCode.INVALID_TERRITORY, message, field="withdrawn_on")
        self.labelled_for_temps_ii, self.status, self.label_withdrawn_on = False, TerritoryStatus.WITHDRAWN, on

    def _refuse_if_withdrawn(self) -> None:
        if self.status is TerritoryStatus.WITHDRAWN:
            message = f"Le territoire « {self.name} » n'est plus labellisé : il ne peut plus évoluer."
            raise DomainError(ErrorCode.TERRITORY_LABEL_WITHDRAWN, message, territory_id=self.id)
