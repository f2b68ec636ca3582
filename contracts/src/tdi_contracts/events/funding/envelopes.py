"""Funding envelope events: a programme's budget, or a programme's regional share, opened and closed."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import FrenchSentence, Label, UniqueList, UtcDatetime
from ...ids import EnvelopeId
from ...money import Cents
from ...reference import Instrument, Partner, Programme, ProgrammeCode, Region
from ...reference.programmes_catalogue import CeilingProvenance, ProjectType
from ...topics import FUNDING_ENVELOPE
from . import fields as f


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeOpened(ContractModel):
    """An envelope was opened: grants may be committed against it up to its ceiling, never beyond."""

    envelope_id: EnvelopeId = f.ENVELOPE
    programme: Programme = f.PROGRAMME
    region: Region | None = Field(
        default=None,
        description="Region of a regional share; absent for a national envelope",
        examples=["44"],
    )
    year: int | None = Field(
        default=None, ge=2023, le=2027, description="Budget year, for yearly envelopes", examples=[2024]
    )
    ceiling_cents: Cents = Field(description="Ceiling in euro cents", examples=[790_000_000])
    operator: Partner | None = Field(
        default=None, description="Partner operating the envelope, if not the State", examples=["ademe"]
    )
    opened_on: date = Field(description="Date applications may be committed from", examples=["2024-01-02"])


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeClosed(ContractModel):
    """An envelope was closed: nothing more may be committed against it."""

    envelope_id: EnvelopeId = f.ENVELOPE
    committed_cents: Cents = Field(description="Total committed when it closed", examples=[785_000_000])
    closed_on: date = Field(description="Closing date", examples=["2024-12-31"])


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeBalanceChanged(ContractModel):
    """An envelope's amounts after a commitment, de-commitment or payment (the latest full balance)."""

    envelope_id: EnvelopeId = f.ENVELOPE
    programme: Programme = f.PROGRAMME
    ceiling_cents: Cents = Field(description="Ceiling in euro cents", examples=[790_000_000])
    committed_cents: Cents = Field(description="Committed (AE), in euro cents", examples=[150_000_000])
    paid_cents: Cents = Field(description="Paid (CP), in euro cents", examples=[60_000_000])
    available_cents: Cents = Field(description="Ceiling minus committed, in euro cents", examples=[640_000_000])
    changed_at: UtcDatetime = Field(description="When the balance changed", examples=["2024-03-04T10:00:00Z"])


PROGRAMME_CODE = Field(
    description="Programme (funding line): a code of the catalogue or a declared one", examples=["fonds-vert-ti"]
)
CEILING = Field(
    description="Ceiling in euro cents; null while it is not published (« plafond non publié »): nothing is committed",
    examples=[790_000_000],
)
PROVENANCE = Field(
    default=None,
    description="Where the ceiling comes from: sources (published), staff (set by command), synthetic (demonstration)",
    examples=["sources"],
)
PARENT = Field(
    default=None,
    description="The envelope holding this one (the national 2024 Fonds vert holds the regional ones): the ceilings "
    "it holds never add up to more than its own",
    examples=["fonds-vert-ti-2024"],
)


@contract(
    service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id", version=2,
    name="EnvelopeOpened",
)  # fmt: skip
class EnvelopeOpenedV2(ContractModel):
    """An envelope was opened. v2: an open programme code, a ceiling that may not be published yet (null: nothing is
    committed on it until staff set it), where the ceiling comes from, the envelope holding it, its filing dates."""

    envelope_id: EnvelopeId = f.ENVELOPE
    programme: ProgrammeCode = PROGRAMME_CODE
    region: Region | None = Field(default=None, description="Region of a regional share; absent for a national one",
                                  examples=["44"])  # fmt: skip
    year: int | None = Field(default=None, ge=2023, le=2027, description="Budget year, for yearly envelopes",
                             examples=[2024])  # fmt: skip
    ceiling_cents: Cents | None = CEILING
    ceiling_provenance: CeilingProvenance | None = PROVENANCE
    ceiling_source: FrenchSentence | None = Field(
        default=None, description="The published figure, quoted (when provenance is sources)",
        examples=["Présentation de la Marne : « 7,9 millions d'euros en 2024 pour la région Grand Est »"],
    )  # fmt: skip
    parent_envelope_id: EnvelopeId | None = PARENT
    operator: Partner | None = Field(default=None, description="Partner operating it, if not the State",
                                     examples=["bpifrance"])  # fmt: skip
    opened_on: date = Field(description="Date it was opened", examples=["2024-01-02"])
    files_from: date | None = Field(
        default=None, description="First day dossiers may be filed", examples=["2024-01-01"]
    )
    files_until: date | None = Field(
        default=None, description="Last day dossiers may be filed (null: until it closes)", examples=["2024-12-31"]
    )


@contract(
    service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id", version=2,
    name="EnvelopeBalanceChanged",
)  # fmt: skip
class EnvelopeBalanceChangedV2(ContractModel):
    """An envelope's amounts after a change (the latest full balance). v2: open programme code, a ceiling that may be
    null (not published), what it gave the envelopes it holds (`allocated_cents`)."""

    envelope_id: EnvelopeId = f.ENVELOPE
    programme: ProgrammeCode = PROGRAMME_CODE
    ceiling_cents: Cents | None = CEILING
    ceiling_provenance: CeilingProvenance | None = PROVENANCE
    committed_cents: Cents = Field(description="Committed (AE), in euro cents", examples=[150_000_000])
    paid_cents: Cents = Field(description="Paid (CP), in euro cents", examples=[60_000_000])
    allocated_cents: Cents = Field(
        default=0, description="Given as ceilings to the envelopes it holds, in euro cents", examples=[0]
    )
    available_cents: Cents | None = Field(
        description="Ceiling minus committed and allocated; null without a ceiling", examples=[640_000_000]
    )
    closed: bool = Field(default=False, description="Closed: nothing more is committed nor filed", examples=[False])
    changed_at: UtcDatetime = Field(description="When the balance changed", examples=["2024-03-04T10:00:00Z"])


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeCeilingFixed(ContractModel):
    """Staff set an envelope's ceiling (one the sources do not publish, or a demonstration one, labelled as such)."""

    envelope_id: EnvelopeId = f.ENVELOPE
    programme: ProgrammeCode = PROGRAMME_CODE
    ceiling_cents: Cents = Field(description="The ceiling now, in euro cents", examples=[450_000_000])
    previous_ceiling_cents: Cents | None = Field(
        default=None, description="The ceiling before (null: not published)", examples=[None]
    )
    ceiling_provenance: CeilingProvenance = Field(description="staff or synthetic", examples=["staff"])
    parent_envelope_id: EnvelopeId | None = PARENT
    set_on: date = Field(description="Date it was set", examples=["2024-02-01"])


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="envelope_id", key="envelope_id")
class EnvelopeBalanceReleased(ContractModel):
    """A closed envelope released what it never committed: its ceiling came down to what it holds, and the envelope
    holding it (if any) may give that money to another."""

    envelope_id: EnvelopeId = f.ENVELOPE
    released_cents: Cents = Field(description="Released, in euro cents", examples=[90_000_000])
    ceiling_cents: Cents = Field(description="The ceiling after the release, in euro cents", examples=[700_000_000])
    parent_envelope_id: EnvelopeId | None = PARENT
    released_on: date = Field(description="Date of the release", examples=["2025-01-31"])


@contract(service="funding", topics=(FUNDING_ENVELOPE.name,), subject="programme", key="programme")
class ProgrammeDeclared(ContractModel):
    """A programme beside the State's catalogue was declared by the partner operating it (its envelopes follow)."""

    programme: ProgrammeCode = PROGRAMME_CODE
    label: Label = Field(description="French name", examples=["Banque des Territoires : industrie décarbonée"])
    operator: Partner = Field(description="The partner operating it (it decides on its dossiers)",
                              examples=["banque-des-territoires"])  # fmt: skip
    instruments: UniqueList[Instrument] = Field(min_length=1, max_length=4, description="How it gives money",
                                                examples=[["pret", "fonds-propres"]])  # fmt: skip
    project_types: UniqueList[ProjectType] = Field(min_length=1, max_length=6, description="What it funds",
                                                   examples=[["investissement-industriel"]])  # fmt: skip
    labelled_territories_only: bool = Field(description="Only projects in a labelled territory", examples=[True])
    declared_on: date = Field(description="Date it was declared", examples=["2024-01-02"])
