"""The votes the analysis reads from the packed batches are exactly those of the vote rows (`loading`), on SQLite and
on PostgreSQL (where the batches arrive through a binary cursor), and the tally the moderation page reads counts
every vote."""

from __future__ import annotations

import numpy as np
import pytest
from django.db.models import Count

from tillit.dialogues import actions, loading, queries, worker
from tillit.dialogues.models import DialogueAnalysis, DialogueParticipant, Statement, Vote, VoteBatch, VoteTally

pytestmark = pytest.mark.django_db


def vote_on(dialogue, organisation, make_member, people: int, *, start: int = 0) -> None:
    statements = list(Statement.objects.filter(dialogue=dialogue).order_by("number"))
    for number in range(start, start + people):
        participant = actions.participant_for_member(dialogue, make_member(organisation), create=True)
        for statement in statements:
            if (number + statement.number) % 4:  # not everybody votes on everything
                actions.vote(
                    participant=participant, statement=statement, value=(number * 7 + statement.number) % 3 - 1
                )


def next_release(dialogue) -> int:
    return int(DialogueAnalysis.objects.get(dialogue=dialogue).state.get("next_release", 1))


def as_set(votes: loading.Votes, *, releases: bool = True) -> set[tuple[int, ...]]:
    columns = [votes.participants, votes.statements, votes.values] + ([votes.releases] if releases else [])
    return set(zip(*(column.tolist() for column in columns), strict=True))


def matrix_cells(matrix) -> list[tuple[int, int, int]]:
    return sorted(zip(matrix.rows.tolist(), matrix.cols.tolist(), matrix.values.tolist(), strict=True))


def counted(dialogue) -> dict[int, int]:
    rows = Vote.objects.filter(dialogue=dialogue).values_list("statement_id").annotate(n=Count("pk"))
    return dict(rows.values_list("statement_id", "n"))


def test_the_packed_votes_are_the_released_vote_rows_and_give_the_same_matrix(dialogue, organisation, make_member):
    vote_on(dialogue, organisation, make_member, 6)
    worker.analyse_dialogue(dialogue)
    vote_on(dialogue, organisation, make_member, 5, start=6)
    worker.analyse_dialogue(dialogue)
    packed = loading.released_votes(dialogue)
    assert len(packed) == Vote.objects.filter(dialogue=dialogue).count() > 0
    assert as_set(packed) == as_set(loading.vote_rows(dialogue, released=True))
    assert set(packed.releases.tolist()) == {1, 2}
    released, inputs = loading.load_matrix(dialogue, release=next_release(dialogue))
    plain, _inputs = loading.load_matrix(dialogue)
    assert matrix_cells(released) == matrix_cells(plain)
    assert (released.n_participants, released.n_statements) == (plain.n_participants, plain.n_statements)
    assert inputs.votes == len(packed)
    assert VoteTally.objects.get(dialogue=dialogue).votes == len(packed)


def test_only_the_new_votes_are_marked_and_appended(dialogue, organisation, make_member):
    vote_on(dialogue, organisation, make_member, 4)
    assert loading.release_new_votes(dialogue, 1) == Vote.objects.filter(dialogue=dialogue).count()
    assert loading.release_new_votes(dialogue, 2) == 0
    vote_on(dialogue, organisation, make_member, 1, start=4)
    assert loading.release_new_votes(dialogue, 2) == Vote.objects.filter(dialogue=dialogue, release=2).count() > 0
    assert not Vote.objects.filter(dialogue=dialogue, release__isnull=True).exists()
    assert VoteBatch.objects.filter(dialogue=dialogue).count() == 2


def test_votes_released_before_the_batches_existed_are_packed_once(dialogue, organisation, make_member):
    vote_on(dialogue, organisation, make_member, 5)
    worker.analyse_dialogue(dialogue)
    VoteBatch.objects.filter(dialogue=dialogue).delete()
    VoteTally.objects.filter(dialogue=dialogue).delete()  # as after the migration that added them
    assert queries.vote_counts(dialogue) == counted(dialogue)  # counted from the rows until the analysis tallies
    vote_on(dialogue, organisation, make_member, 2, start=5)
    worker.analyse_dialogue(dialogue)
    assert as_set(loading.released_votes(dialogue)) == as_set(loading.vote_rows(dialogue, released=True))
    assert set(loading.released_votes(dialogue).releases.tolist()) == {1, 2}


def test_many_small_batches_are_merged_into_the_same_votes(dialogue, organisation, make_member, monkeypatch):
    monkeypatch.setattr(loading, "MERGE_WHEN", 2)
    monkeypatch.setattr(loading, "BATCH_LIMIT", 25)
    for round_ in range(4):
        vote_on(dialogue, organisation, make_member, 2, start=2 * round_)
        worker.analyse_dialogue(dialogue)
    batches = list(VoteBatch.objects.filter(dialogue=dialogue).values_list("count", flat=True))
    assert sum(batches) == Vote.objects.filter(dialogue=dialogue).count()
    assert max(batches) <= 25
    assert len([size for size in batches if size < 25]) <= 2
    assert as_set(loading.released_votes(dialogue)) == as_set(loading.vote_rows(dialogue, released=True))


def test_the_vote_counts_are_the_tally_and_the_votes_not_yet_released(dialogue, organisation, make_member):
    vote_on(dialogue, organisation, make_member, 5)
    worker.analyse_dialogue(dialogue)
    vote_on(dialogue, organisation, make_member, 2, start=5)  # not analysed yet
    assert Vote.objects.filter(dialogue=dialogue, release__isnull=True).exists()
    assert queries.vote_counts(dialogue) == counted(dialogue)
    moderation = queries.moderation(dialogue)
    assert moderation.counts["votes"].size == Vote.objects.filter(dialogue=dialogue).count()
    assert [row.votes.size for row in moderation.rows] == [
        counted(dialogue).get(row.statement.pk, 0) for row in moderation.rows
    ]


def test_a_vote_whose_participant_is_gone_is_left_out(dialogue, organisation, make_member):
    vote_on(dialogue, organisation, make_member, 4)
    worker.analyse_dialogue(dialogue)
    gone = Vote.objects.filter(dialogue=dialogue).first().participant
    gone.delete()
    matrix, inputs = loading.load_matrix(dialogue, release=next_release(dialogue))
    assert inputs.votes == matrix.n_votes == Vote.objects.filter(dialogue=dialogue).count()


def test_packing_round_trips_and_a_batch_of_the_wrong_size_is_refused():
    votes = loading.Votes(
        np.array([2**40, 3]), np.array([5, 2**33]), np.array([-1, 1]), np.array([7, 2**31 - 1], dtype=np.int64)
    )
    back = loading.Votes.unpack(votes.pack(), 2)
    assert as_set(back) == as_set(votes)
    with pytest.raises(ValueError, match="holds"):
        loading.Votes.unpack(votes.pack()[:-1], 2)


@pytest.mark.parametrize("pks", [np.array([7, 3, 9, 4]), np.array([10**12, 3, 5 * 10**11, 4])])
def test_positions_by_table_and_by_search_agree(pks):
    wanted = np.array([9, 3, 8, 4, 7, 10**12, 0, -5])
    expected = [pks.tolist().index(pk) if pk in pks.tolist() else -1 for pk in wanted.tolist()]
    assert loading.positions(pks, wanted).tolist() == expected


def fill_a_gap(dialogue) -> None:
    """A vote by the first participant with a statement left to vote on."""
    for participant in DialogueParticipant.objects.filter(dialogue=dialogue).order_by("number"):
        voted = set(participant.votes.values_list("statement", flat=True))
        for statement in Statement.objects.filter(dialogue=dialogue).exclude(pk__in=voted).order_by("number"):
            actions.vote(participant=participant, statement=statement, value=1)
            return


def test_the_votes_kept_in_memory_give_the_same_matrix(dialogue, organisation, make_member, monkeypatch):
    monkeypatch.setattr(loading, "MERGE_WHEN", 2)
    monkeypatch.setattr(loading, "BATCH_LIMIT", 3)
    monkeypatch.setattr(loading, "_kept", loading.OrderedDict())

    def both_ways():
        kept = loading.load_matrix(dialogue, release=next_release(dialogue))[0]  # the kept votes, if any
        loading._kept.clear()
        read = loading.load_matrix(dialogue, release=next_release(dialogue))[0]  # the batches, read again
        for column in ("rows", "cols", "values"):
            assert getattr(kept, column).tolist() == getattr(read, column).tolist()
        assert matrix_cells(kept) == matrix_cells(loading.load_matrix(dialogue)[0])
        return kept

    for round_ in range(4):
        vote_on(dialogue, organisation, make_member, 2, start=2 * round_)
        worker.analyse_dialogue(dialogue)  # keeps the votes (on PostgreSQL), then adds the new ones
        vote_on(dialogue, organisation, make_member, 1, start=10 + round_)
        fill_a_gap(dialogue)  # a vote in the middle of the kept ones
        matrix = both_ways()
        assert matrix.n_votes == Vote.objects.filter(dialogue=dialogue).count()
        assert len(loading._kept) == (loading.connection.vendor == "postgresql")
    Vote.objects.filter(dialogue=dialogue).first().participant.delete()  # the kept rows no longer index the same
    loading.release_new_votes(dialogue, next_release(dialogue))  # as another process would: not in the kept votes
    vote_on(dialogue, organisation, make_member, 1, start=20)
    assert both_ways().n_votes == Vote.objects.filter(dialogue=dialogue).count()
