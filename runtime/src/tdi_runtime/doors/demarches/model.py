"""A dossier as the connector reads it from Démarches simplifiées (the answer to `queries.DossierFields`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class DossierState(StrEnum):
    """`enum DossierState` of the schema: the five states a dossier visible to the administration can be in."""

    EN_CONSTRUCTION = "en_construction"
    EN_INSTRUCTION = "en_instruction"
    ACCEPTE = "accepte"
    REFUSE = "refuse"
    SANS_SUITE = "sans_suite"

    @property
    def decided(self) -> bool:
        return self in (DossierState.ACCEPTE, DossierState.REFUSE, DossierState.SANS_SUITE)


class _Read(BaseModel):
    """What DS sends, read leniently (extra fields ignored) and kept immutable."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class Code(_Read):
    code: str


class Entreprise(_Read):
    siren: str | None = None


class Address(_Read):
    city_code: str | None = None


class Etablissement(_Read):
    siret: str | None = None
    entreprise: Entreprise | None = None
    address: Address | None = None


class Demandeur(_Read):
    """The applicant: only a company's numbers and commune are read (a person's are never asked for)."""

    typename: str = Field(alias="__typename")
    siret: str | None = None
    entreprise: Entreprise | None = None
    address: Address | None = None


class Champ(_Read):
    """One champ (or private annotation) of a dossier; the typed values come from the query's aliases."""

    typename: str = Field(alias="__typename")
    champ_descriptor_id: str
    label: str = ""
    string_value: str | None = None
    integer: str | int | None = None  # BigInt: sent as text
    commune: Code | None = None
    departement: Code | None = None
    epci: Code | None = None
    etablissement: Etablissement | None = None
    choice: str | None = None
    yes: bool | None = None
    checked: bool | None = None


class Dossier(_Read):
    number: int
    state: DossierState
    date_depot: AwareDatetime
    date_derniere_modification: AwareDatetime
    date_passage_en_instruction: AwareDatetime | None = None
    date_traitement: AwareDatetime | None = None
    demandeur: Demandeur | None = None
    champs: tuple[Champ, ...] = ()
    annotations: tuple[Champ, ...] = ()

    @property
    def updated_at(self) -> datetime:
        return self.date_derniere_modification


class PageInfo(_Read):
    has_next_page: bool
    end_cursor: str | None = None


class DossierPage(_Read):
    page_info: PageInfo
    nodes: tuple[Dossier, ...] = ()
