"""A candidacy dossier of the sites clés en main démarche becomes commands of the register: the pure translator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid5

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference.registers import SiteCriterion, SiteMaturity
from tdi_runtime.doors.demarches.cursor import Applied, is_newer, settled
from tdi_runtime.doors.demarches.mapping import Fields, load_mapping
from tdi_runtime.doors.demarches.model import DossierState as S
from tdi_runtime.doors.demarches.translator import Applicant, DossierSnapshot
from tdi_runtime.errors import DomainError
from tdi_territory.registers import commands as c
from tdi_territory.registers.demarches import KIND, SITES_NAMESPACE, changes, site_id

EXAMPLE = Path(__file__).resolve().parents[4] / "deploy" / "ds" / "sites-cles-en-main.example.toml"
T = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
VALUES: dict[str, str | bool | None] = {
    "name": "Parc industriel de la Husselle",
    "commune": "51454",
    "maturity": "friche-a-rehabiliter",
    "criterion_maitrise_fonciere": True,
    "criterion_raccordement_reseaux": True,
    "criterion_collectivites_mobilisees": False,
}


def snapshot(state: S, at: datetime = T, number: int = 7001, **values: str | bool | None) -> DossierSnapshot:
    return DossierSnapshot(
        demarche=4343,
        number=number,
        state=state,
        updated_at=at,
        deposited_at=datetime(2023, 11, 30, 23, 30, tzinfo=UTC),  # 1 December in Paris
        instruction_started_at=None if state is S.EN_CONSTRUCTION else T - timedelta(days=20),
        processed_at=at if state.decided else None,
        link=f"https://www.demarches-simplifiees.fr/procedures/4343/dossiers/{number}",
        fields=Fields({**VALUES, **values}),
        applicant=Applicant(siret="13002526500013", siren="130025265", commune="51454"),
        options={},
    )


def test_the_example_settings_file_is_a_site_candidacy_demarche_reading_every_field_the_translator_needs() -> None:
    mapping = load_mapping(EXAMPLE)
    assert mapping.kind == KIND == "site-candidacy"
    criteria = {f"criterion_{v.value.replace('-', '_')}" for v in SiteCriterion}
    assert set(mapping.champs) == {"name", "commune", "maturity", *criteria}
    assert set(mapping.champs["maturity"].values.values()) == {m.value for m in SiteMaturity}
    assert all(not mapping.champs[n].required for n in criteria)


def test_a_new_candidacy_proposes_one_site_with_a_stable_id_its_fields_and_its_link() -> None:
    (proposed,) = changes(snapshot(S.EN_CONSTRUCTION), None)
    assert isinstance(proposed, c.ProposeSiteCandidacy)
    assert proposed.site_id == uuid5(SITES_NAMESPACE, "ds:4343:7001") == site_id(4343, 7001)
    assert proposed.body.name == "Parc industriel de la Husselle"
    assert proposed.body.commune_insee == "51454"
    assert proposed.body.maturity is SiteMaturity.FRICHE_A_REHABILITER
    assert proposed.body.criteria == [SiteCriterion.MAITRISE_FONCIERE, SiteCriterion.RACCORDEMENT_RESEAUX]
    assert proposed.body.proposed_on == date(2023, 12, 1)  # the deposit's date in Paris
    assert proposed.body.synthetic is False
    assert proposed.candidacy.state is S.EN_CONSTRUCTION
    assert proposed.candidacy.link == "https://www.demarches-simplifiees.fr/procedures/4343/dossiers/7001"
    assert proposed.candidacy.reference == "ds:4343:7001"
    assert proposed.candidacy.changed_on == date(2024, 3, 1)


def test_no_name_or_email_of_the_applicant_reaches_the_register() -> None:
    (proposed,) = changes(snapshot(S.EN_CONSTRUCTION), None)
    carried = repr(proposed)
    assert "130025265" not in carried and "@" not in carried


def test_a_candidacy_first_seen_accepted_is_proposed_then_selected_on_its_decision_date() -> None:
    decided = T + timedelta(hours=15)  # 2 March, 01:00 in Paris
    proposed, selected = changes(snapshot(S.ACCEPTE, decided), None)
    assert isinstance(proposed, c.ProposeSiteCandidacy) and proposed.candidacy.state is S.ACCEPTE
    assert selected == c.SelectSiteOf(site_id(4343, 7001), c.SelectSite(selected_on=date(2024, 3, 2)))


@pytest.mark.parametrize("state", [S.EN_INSTRUCTION, S.REFUSE, S.SANS_SUITE])
def test_instruction_refusal_and_closing_are_recorded_as_the_candidacy_state_only(state: S) -> None:
    found = changes(snapshot(state), Applied(T - timedelta(days=1), S.EN_CONSTRUCTION))
    assert found == [c.RecordCandidacyState(site_id(4343, 7001), state, T.date())]


def test_an_accepted_candidacy_selects_its_site() -> None:
    found = changes(snapshot(S.ACCEPTE), Applied(T - timedelta(days=1), S.EN_INSTRUCTION))
    site = site_id(4343, 7001)
    assert found == [
        c.RecordCandidacyState(site, S.ACCEPTE, T.date()),
        c.SelectSiteOf(site, c.SelectSite(selected_on=T.date())),
    ]


def test_a_refused_candidacy_taken_back_and_accepted_is_selected() -> None:
    site, before = site_id(4343, 7001), T - timedelta(days=1)
    assert changes(snapshot(S.EN_INSTRUCTION), Applied(before, S.REFUSE)) == [
        c.RecordCandidacyState(site, S.EN_INSTRUCTION, T.date())
    ]
    assert changes(snapshot(S.ACCEPTE), Applied(before, S.REFUSE))[-1] == c.SelectSiteOf(
        site, c.SelectSite(selected_on=T.date())
    )


def test_a_selection_taken_back_on_ds_is_refused_site_already_selected_naming_the_dossier() -> None:
    with pytest.raises(DomainError) as refused:
        changes(snapshot(S.EN_INSTRUCTION), Applied(T - timedelta(days=1), S.ACCEPTE))
    assert refused.value.code == ErrorCode.SITE_ALREADY_SELECTED
    assert "7001" in refused.value.message


def test_back_to_construction_keeps_the_candidacy_under_instruction() -> None:
    before = T - timedelta(days=1)
    assert changes(snapshot(S.EN_CONSTRUCTION), Applied(before, S.EN_INSTRUCTION)) == []
    assert changes(snapshot(S.EN_CONSTRUCTION), Applied(before, S.REFUSE)) == [
        c.RecordCandidacyState(site_id(4343, 7001), S.EN_INSTRUCTION, T.date())
    ]


@pytest.mark.parametrize(
    ("values", "code", "field_name"),
    [
        ({"name": None}, ErrorCode.DS_CHAMP_MISSING, "name"),
        ({"commune": None}, ErrorCode.DS_CHAMP_MISSING, "commune"),
        ({"maturity": None}, ErrorCode.DS_CHAMP_MISSING, "maturity"),
        ({"maturity": "en-projet"}, ErrorCode.DS_CHAMP_INVALID, "maturity"),
        ({"name": "=HYPERLINK(1)"}, ErrorCode.DS_CHAMP_INVALID, "name"),
    ],
)
def test_a_candidacy_the_register_cannot_take_is_refused_with_the_field_named(
    values: dict[str, str | None], code: ErrorCode, field_name: str
) -> None:
    with pytest.raises(DomainError) as refused:
        changes(snapshot(S.EN_CONSTRUCTION, T, 7001, **values), None)
    assert refused.value.code == code
    assert refused.value.details["field"] == field_name


# -- a dossier seen in any order, twice: the door's cursor rule over the translator, on an in-memory register ------


@dataclass
class Register:
    """The register's effect of each command, as its handlers apply it (one site per id, selected once)."""

    proposed: int = 0
    selected: int = 0
    state: S | None = None
    refusals: list[str] = field(default_factory=list)

    def apply(self, command: object) -> None:
        if isinstance(command, c.ProposeSiteCandidacy):
            self.proposed += 1
            self.state = command.candidacy.state
        elif isinstance(command, c.RecordCandidacyState):
            self.state = command.state
        elif isinstance(command, c.SelectSiteOf):
            assert self.selected == 0, "a site is selected once"
            self.selected += 1


def door(register: Register, reads: list[tuple[datetime, S]]) -> list[S]:
    """The door's rule: a read is applied when newer than the last applied; a refusal leaves nothing applied.
    The states applied, in order."""
    applied: Applied | None = None
    states: list[S] = []
    for at, state in reads:
        if not is_newer(at, state, applied):
            continue
        try:
            commands = changes(snapshot(state, at), applied)
        except DomainError as refused:
            register.refusals.append(refused.code)
            continue
        for command in commands:
            register.apply(command)
        applied = Applied(at, settled(applied, state))
        states.append(state)
    return states


NEXT = {
    S.EN_CONSTRUCTION: [S.EN_INSTRUCTION],
    S.EN_INSTRUCTION: [S.EN_CONSTRUCTION, S.ACCEPTE, S.REFUSE, S.SANS_SUITE],
    S.ACCEPTE: [S.EN_INSTRUCTION],
    S.REFUSE: [S.EN_INSTRUCTION],
    S.SANS_SUITE: [S.EN_INSTRUCTION],
}


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[datetime, S]]:
    """A path DS allows, one change a minute, from a candidacy en construction."""
    path, state = [S.EN_CONSTRUCTION], S.EN_CONSTRUCTION
    for _ in range(draw(st.integers(0, 8))):
        state = draw(st.sampled_from(NEXT[state]))
        path.append(state)
    return [(T + timedelta(minutes=i), s) for i, s in enumerate(path)]


@settings(max_examples=300, deadline=None)
@given(history=histories(), data=st.data())
def test_a_candidacy_read_in_any_order_and_twice_ends_in_the_state_of_its_newest_read_once(
    history: list[tuple[datetime, S]], data: st.DataObject
) -> None:
    seen = data.draw(st.lists(st.sampled_from(history), min_size=1, max_size=12), label="reads")
    newest = max(seen)
    reads = data.draw(st.permutations([*seen, *seen]), label="order")  # every read twice, any order
    register = Register()
    applied = door(register, reads)

    assert register.proposed == 1
    if register.refusals:  # a selection taken back on DS: the register keeps it, each time said with the code
        assert set(register.refusals) == {ErrorCode.SITE_ALREADY_SELECTED}
        assert (register.state, register.selected) == (S.ACCEPTE, 1)
        return
    assert applied[-1] is newest[1]  # the newest read is applied last, whatever the order
    expected = newest[1]
    if expected is S.EN_CONSTRUCTION and any(s is not S.EN_CONSTRUCTION for s in applied):
        expected = S.EN_INSTRUCTION  # back to construction: the platform keeps it under instruction
    assert register.state is expected
    assert register.selected == (1 if expected is S.ACCEPTE else 0)
