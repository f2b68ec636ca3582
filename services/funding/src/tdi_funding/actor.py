"""Who acts on a dossier or an envelope, as the funding rules see the caller of the unit of work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Partner
from tdi_contracts.reference.programmes_catalogue import ProgrammeRules
from tdi_funding.domain import rights
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Caller
from tdi_runtime.pipeline.caller import SYSTEM_ROLE

DEMARCHES = "demarches-simplifiees"
"""The Démarches simplifiées door's system caller (`Caller.system(DEMARCHES)`): it files the dossiers of the
démarches its settings files name, and instructs and decides those it filed, and those only (funding README)."""


@dataclass(frozen=True)
class Actor:
    """Programme staff over HTTP or a partner through its ingress topic (`caller.partner`). `name` is what the
    dossier's history says (a role or a partner, never a person)."""

    caller: Caller
    national_decides_fonds_vert: bool = True

    @property
    def demarches(self) -> bool:
        """The Démarches simplifiées door (a system caller): rights on the dossiers it filed (`require_own_dossier`)."""
        return self.caller.role == SYSTEM_ROLE and self.caller.subject == f"service:{DEMARCHES}"

    @property
    def name(self) -> str:
        c = self.caller
        if self.demarches:
            return DEMARCHES
        if c.partner is not None:
            return c.partner.value
        scope = c.region or c.programme or c.territory
        return f"{c.role}:{scope}" if scope else c.role

    @property
    def partner(self) -> Partner | None:
        return self.caller.partner

    @property
    def role(self) -> str | None:
        return None if self.caller.partner is not None else self.caller.role

    def require_territory(self, territory_ids: Iterable[str | None]) -> None:
        """A caller bound to one territory acts on its own territory only (403 OUT_OF_TERRITORY)."""
        self.caller.require_territory(territory_ids)

    def require_reach(self, regions: tuple[str, ...], envelope: Envelope) -> None:
        """A caller acts where the dossier lies and, on a regional envelope, in that envelope's region only: a
        regional user never commits another region's money through an interregional territory (issue 22 #2).
        Checked by the use case, inside its transaction, on what it writes (partners are bound to no region)."""
        self.caller.require_region(regions)
        if envelope.region is not None:
            self.caller.require_region((envelope.region,))

    def require_own_dossier(self, filed_by: str) -> None:
        """The Démarches simplifiées door acts on the dossiers it filed only (FORBIDDEN otherwise); others: no-op."""
        if self.demarches and filed_by != DEMARCHES:
            raise DomainError(
                ErrorCode.FORBIDDEN,
                "Démarches simplifiées ne décide que des dossiers déposés sur Démarches simplifiées.",
            )

    def require_decision(self, rules: ProgrammeRules) -> None:
        """Approve, refuse, withdraw, reduce, pay: the programme's deciders only (`rights`, from the catalogue)."""
        if self.demarches:
            return  # the decision was taken on DS by the programme's instructors (`require_own_dossier`)
        rights.require_decision(
            rules, partner=self.partner, role=self.role, national_decides_fonds_vert=self.national_decides_fonds_vert
        )

    def require_instruction(self, rules: ProgrammeRules) -> None:
        """Open the instruction: deciders and advisers."""
        if self.demarches:
            return
        rights.require_instruction(rules, partner=self.partner, role=self.role)

    def require_filing(self, rules: ProgrammeRules) -> None:
        """File: deciders and advisers; a territory its chef de projet dossier (`rights.TERRITORY_FILES`); the
        Démarches simplifiées door the dossiers of its démarches."""
        if self.demarches:
            return
        rights.require_filing(rules, partner=self.partner, role=self.role)

    def require_opinion(self, rules: ProgrammeRules) -> None:
        """Record an avis: advisers only."""
        rights.require_opinion(rules, partner=self.partner, role=self.role)
