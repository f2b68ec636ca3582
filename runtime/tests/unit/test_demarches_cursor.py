"""Where a poll starts reading, how far the watermark moves, and which snapshot of a dossier is new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tdi_runtime.doors.demarches.cursor import Applied, advanced, is_newer, query_since, settled
from tdi_runtime.doors.demarches.model import DossierState as S

T = datetime(2024, 3, 1, 10, 0, 0, tzinfo=UTC)
START = datetime(2023, 1, 1, tzinfo=UTC)
FIVE_MIN = timedelta(minutes=5)


def test_the_first_poll_reads_from_the_configured_start() -> None:
    assert query_since(None, FIVE_MIN, START) == START


def test_a_poll_reads_again_the_overlap_before_the_watermark() -> None:
    assert query_since(T, FIVE_MIN, START) == T - FIVE_MIN


def test_the_overlap_never_reads_before_the_start() -> None:
    assert query_since(START + timedelta(minutes=1), FIVE_MIN, START) == START


def test_the_watermark_never_goes_back_when_the_overlap_shows_an_older_dossier() -> None:
    assert advanced(T, T - timedelta(minutes=3)) == T
    assert advanced(T, T + timedelta(seconds=1)) == T + timedelta(seconds=1)
    assert advanced(None, T) == T


def test_a_dossier_sharing_the_watermarks_second_is_read_again_after_a_restart() -> None:
    """Two dossiers changed in the same second (DS gives the time to the second): the first was applied and its
    time became the watermark, then the process stopped. The next poll's window includes that second again."""
    watermark = advanced(None, T)
    assert query_since(watermark, FIVE_MIN, START) <= T
    assert query_since(watermark, timedelta(0), START) <= T  # even with no overlap: updatedSince is inclusive


def test_a_dossier_never_applied_is_new() -> None:
    assert is_newer(T, S.EN_CONSTRUCTION, None)


def test_the_same_snapshot_seen_twice_is_not_new() -> None:
    assert not is_newer(T, S.EN_INSTRUCTION, Applied(T, S.EN_INSTRUCTION))


def test_an_older_snapshot_is_not_new_whatever_its_state() -> None:
    applied = Applied(T, S.ACCEPTE)
    for state in S:
        assert not is_newer(T - timedelta(seconds=1), state, applied)


def test_a_later_snapshot_is_new_even_in_the_same_state() -> None:
    assert is_newer(T + timedelta(seconds=1), S.EN_CONSTRUCTION, Applied(T, S.EN_CONSTRUCTION))


def test_another_state_in_the_same_second_is_new() -> None:
    """DS times are to the second and a read gives the dossier's current state: reads of one démarche are applied
    one at a time in read order, so another state at the same second is the later change."""
    assert is_newer(T, S.ACCEPTE, Applied(T, S.EN_INSTRUCTION))


@given(st.lists(st.tuples(st.integers(0, 50), st.sampled_from(list(S))), min_size=1, max_size=30))
def test_whatever_the_order_of_snapshots_only_forward_ones_are_applied(snaps: list[tuple[int, S]]) -> None:
    applied: Applied | None = None
    for seconds, state in snaps:
        at = T + timedelta(seconds=seconds)
        if is_newer(at, state, applied):
            assert applied is None or at >= applied.updated_at
            applied = Applied(at, state)
    assert applied is not None
    assert applied.updated_at == T + timedelta(seconds=max(s for s, _ in snaps))


def test_a_dossier_sent_back_to_construction_stays_under_instruction_for_the_platform() -> None:
    """« Repasser en construction » asks the applicant for corrections: the instruction is not undone, so the
    state the door remembers stays `en_instruction` and the next `en_instruction` is not a new instruction."""
    assert settled(Applied(T, S.EN_INSTRUCTION), S.EN_CONSTRUCTION) is S.EN_INSTRUCTION
    assert settled(Applied(T, S.REFUSE), S.EN_CONSTRUCTION) is S.EN_INSTRUCTION
    assert settled(Applied(T, S.EN_CONSTRUCTION), S.EN_CONSTRUCTION) is S.EN_CONSTRUCTION
    assert settled(None, S.EN_CONSTRUCTION) is S.EN_CONSTRUCTION
    for state in (S.EN_INSTRUCTION, S.ACCEPTE, S.REFUSE, S.SANS_SUITE):
        assert settled(Applied(T, S.EN_INSTRUCTION), state) is state
