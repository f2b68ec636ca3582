"""The port between the door and the service that owns a démarche's dossiers.

The owning service provides, per kind of démarche (the settings file's `kind`), a **translator**: a pure function
from a dossier snapshot and the state the door last applied to that dossier to the typed commands of its pipeline.
It provides one **dispatch** too, which runs a command through its pipeline inside the transaction the door opened
(`conn`), so that the commands of a dossier, the door's record of what it applied and its cursor commit together.

The translator contract (what "a dossier seen twice", "out of order" and "goes back" mean):
- the door calls it only with a snapshot newer than the last one applied (`cursor.is_newer`): it never sees the
  same snapshot twice, nor an older one;
- `previous` is the state last applied (None: nothing applied yet for this dossier, whatever DS went through
  before: a translator must bring a dossier from `previous` to `dossier.state` in one go, e.g. file + start the
  instruction + approve for a dossier first seen `accepte`);
- a dossier may go back in DS (`accepte|refuse|sans_suite → en_instruction`, `en_instruction → en_construction`):
  the translator receives `previous` decided and `dossier.state` not, and applies the rule its service documents
  (funding: `tdi_funding.demarches`);
- it raises the kit's `DomainError` (a code of `ErrorCode`) to refuse a dossier: the door rolls back what was
  dispatched for it and keeps a dead letter with that code and sentence; the next snapshot of that dossier (or a
  re-drive) tries again;
- it returns the commands in the order they must run; none is a valid answer (nothing to change).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from tdi_runtime.db import Connection
from tdi_runtime.doors.demarches.cursor import Applied
from tdi_runtime.doors.demarches.mapping import Fields
from tdi_runtime.doors.demarches.model import Dossier, DossierState

C_co = TypeVar("C_co", covariant=True)
C_contra = TypeVar("C_contra", contravariant=True)
K_contra = TypeVar("K_contra", contravariant=True)


@dataclass(frozen=True)
class Applicant:
    """The applicant when it is a company (`PersonneMorale`): its numbers and commune, never a person's name."""

    siret: str | None
    siren: str | None
    commune: str | None


@dataclass(frozen=True)
class DossierSnapshot:
    """A dossier as DS showed it at one read, with its champs read by the démarche's settings."""

    demarche: int
    number: int
    state: DossierState
    updated_at: datetime
    deposited_at: datetime
    instruction_started_at: datetime | None
    processed_at: datetime | None
    link: str
    fields: Fields
    applicant: Applicant | None
    options: Mapping[str, str | int | bool]

    @classmethod
    def of(
        cls, dossier: Dossier, demarche: int, fields: Fields, link_base: str, options: Mapping[str, str | int | bool]
    ) -> DossierSnapshot:
        d = dossier.demandeur
        applicant = None
        if d is not None and d.typename == "PersonneMorale":
            applicant = Applicant(
                siret=d.siret,
                siren=d.entreprise.siren if d.entreprise else None,
                commune=d.address.city_code if d.address else None,
            )
        return cls(
            demarche=demarche,
            number=dossier.number,
            state=dossier.state,
            updated_at=dossier.updated_at,
            deposited_at=dossier.date_depot,
            instruction_started_at=dossier.date_passage_en_instruction,
            processed_at=dossier.date_traitement,
            link=dossier_link(link_base, demarche, dossier.number),
            fields=fields,
            applicant=applicant,
            options=options,
        )


def dossier_link(base: str, demarche: int, number: int) -> str:
    """Where staff open the dossier in DS (no personal data in it): what the platform keeps instead of the
    applicant's name and e-mail."""
    return f"{base.rstrip('/')}/procedures/{demarche}/dossiers/{number}"


class Translator(Protocol[C_co]):
    """A démarche kind's pure mapping: snapshot + last applied → the commands to run, in order."""

    def __call__(self, dossier: DossierSnapshot, previous: Applied | None, /) -> Sequence[C_co]: ...


class Dispatch(Protocol[C_contra, K_contra]):
    """Runs one command through the owning service's pipeline, inside the door's open transaction."""

    def __call__(self, command: C_contra, caller: K_contra, /, *, conn: Connection) -> Awaitable[object]: ...
