"""The sites clés en main candidacy démarche of Démarches simplifiées (`candidature-foncier-industriel`, `P:599`),
read as commands of the register: the pure part of territory's translator.

`changes(dossier, previous)` turns a dossier snapshot (from the kit's DS door) and the state last applied to it into
the register's commands, in order; the door dispatches them through the pipeline inside its transaction, as
`Caller.system("demarches-simplifiees")`.

Rules (issue 25; the sources give the register's facts, `P:580-599`, not DS's states: the rest are **platform rules**,
documented in the territory README):
- site id `uuid5(SITES_NAMESPACE, "ds:<démarche>:<number>")`: stable, so a candidacy proposes its site once;
- the first snapshot proposes the site (`ProposeSiteCandidacy`: name, commune, maturity, the criteria answered
  « Oui », `proposed_on` = the deposit's date in Paris) with the dossier's link and state;
- `accepte` → the site is selected (`SelectSite`, on the decision's date in Paris): the « sélection » of `P:580`;
- `en_instruction`, `refuse`, `sans_suite` → the candidacy's state is kept on the site (`RecordCandidacyState`, no
  register event): the register knows proposed and selected sites only; a site not retained stays a proposal,
  which a later « relève » may retain (`P:582`);
- goes back: `refuse|sans_suite → en_instruction` is recorded (and a later `accepte` selects the site);
  `accepte → anything else` is refused `SITE_ALREADY_SELECTED`: a selection is final for the register (it has no
  event to take it back), so the dossier is a dead letter and staff act; `en_instruction → en_construction`
  changes nothing (the door keeps the dossier under instruction);
- edits of a dossier that keep its state (name, maturity, criteria changed) are not mirrored: staff assess the
  criteria and the maturity on the register (`/criteria`, `/maturity`);
- no champ naming a person is read (the settings file maps none): the register keeps the dossier's link.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference.registers import SiteCriterion, SiteMaturity
from tdi_runtime.doors.demarches.cursor import Applied
from tdi_runtime.doors.demarches.model import DossierState
from tdi_runtime.doors.demarches.refusals import refusal
from tdi_runtime.doors.demarches.translator import DossierSnapshot
from tdi_territory.registers import commands as c

KIND = "site-candidacy"
"""The settings file's `kind` this translator reads (`deploy/ds/sites-cles-en-main.example.toml`)."""
SITES_NAMESPACE = UUID("a3c1f0d2-4b5e-4f6a-8c7d-9e0f1a2b3c4d")
"""Namespace of the site ids of DS candidacies (never change it: ids would change)."""
PARIS = ZoneInfo("Europe/Paris")

SiteCommand = c.ProposeSiteCandidacy | c.RecordCandidacyState | c.SelectSiteOf


def reference(demarche: int, number: int) -> str:
    return f"ds:{demarche}:{number}"


def site_id(demarche: int, number: int) -> UUID:
    return uuid5(SITES_NAMESPACE, reference(demarche, number))


def criterion_field(criterion: SiteCriterion) -> str:
    """The settings file's field of one criterion: `criterion_maitrise_fonciere`..."""
    return f"criterion_{criterion.value.replace('-', '_')}"


def _day(at: datetime) -> date:
    return at.astimezone(PARIS).date()


def _required(d: DossierSnapshot, name: str) -> str:
    value = d.fields.text(name)
    if value is None:
        raise refusal(ErrorCode.DS_CHAMP_MISSING, f"Champ : {name}.", field=name)
    return value


def _proposed(d: DossierSnapshot, state: DossierState, changed_on: date) -> c.ProposeSiteCandidacy:
    name, commune, maturity = (_required(d, f) for f in ("name", "commune", "maturity"))
    if maturity not in {m.value for m in SiteMaturity}:  # the settings file maps a choice the register lacks
        raise refusal(ErrorCode.DS_CHAMP_INVALID, "Champ : maturity.", field="maturity")
    criteria = [v for v in SiteCriterion if d.fields.flag(criterion_field(v))]
    try:
        body = c.ProposeSite(
            name=name,
            commune_insee=commune,
            criteria=criteria,
            maturity=SiteMaturity(maturity),
            proposed_on=_day(d.deposited_at),
        )
    except ValidationError as error:
        where = str(error.errors()[0]["loc"][0]) if error.errors() and error.errors()[0]["loc"] else "dossier"
        field = {"commune_insee": "commune"}.get(where, where)
        raise refusal(ErrorCode.DS_CHAMP_INVALID, f"Champ : {field}.", field=field) from error
    candidacy = c.Candidacy(reference(d.demarche, d.number), d.link, state, changed_on)
    return c.ProposeSiteCandidacy(site_id(d.demarche, d.number), body, candidacy)


def changes(d: DossierSnapshot, previous: Applied | None) -> list[SiteCommand]:
    """What the register must apply to bring the candidacy from `previous` (None: never applied) to `d.state`."""
    site = site_id(d.demarche, d.number)
    decided_on = _day(d.processed_at or d.updated_at)
    selected = c.SelectSiteOf(site, c.SelectSite(selected_on=decided_on))
    changed_on = decided_on if d.state.decided else _day(d.updated_at)
    if previous is None:
        proposed = _proposed(d, d.state, changed_on)
        return [proposed, selected] if d.state is DossierState.ACCEPTE else [proposed]
    was = previous.state
    if was is DossierState.ACCEPTE and d.state is not was:
        detail = (
            f"Le dossier n° {d.number} est repassé « {d.state.value} » sur Démarches simplifiées après son"
            " acceptation : le registre garde le site retenu (règle de la plateforme), à traiter par l'équipe."
        )
        raise refusal(ErrorCode.SITE_ALREADY_SELECTED, detail, field="state", value=d.state.value)
    state = d.state
    if state is DossierState.EN_CONSTRUCTION and was is not DossierState.EN_CONSTRUCTION:
        state = DossierState.EN_INSTRUCTION  # « repasser en construction »: the instruction is not undone
    if state is was:
        return []
    recorded = c.RecordCandidacyState(site, state, changed_on)
    return [recorded, selected] if state is DossierState.ACCEPTE else [recorded]
