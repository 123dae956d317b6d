import pytest
from django.utils import timezone

from tillit.dialogues import actions, queries, reporting, tasks, worker
from tillit.dialogues.models import Dialogue, DialogueAnalysis, Vote
from tillit.dialogues.tests.conftest import make_dialogue
from tillit.privacy.suppression import HIDDEN


def analysed(dialogue: Dialogue) -> reporting.Results:
    """Analyse the dialogue now and read its results back as the pages and exports do."""
    worker.analyse_dialogue(dialogue)
    results = queries.results_view(dialogue).results
    assert results is not None
    return results


def camps(dialogue, organisation, make_member, sizes=(8, 8), group_of=None):
    """Members in opposing camps: camp c agrees with statement c and disagrees with the others; all agree with the first."""
    for _index in range(3):
        actions.add_seed_statements(dialogue=dialogue, texts=[f"Påstående {dialogue.statements.count() + 1}"])
    statements = list(dialogue.statements.all())
    participants = []
    for camp, size in enumerate(sizes):
        for index in range(size):
            key = group_of(camp, index) if group_of else "employee"
            participant = actions.participant_for_member(dialogue, make_member(organisation, group=key), create=True)
            participants.append((camp, participant))
            for position, statement in enumerate(statements):
                value = 1 if position == 0 else 1 if position % len(sizes) == camp else -1
                actions.vote(participant=participant, statement=statement, value=value)
    return participants


def test_the_task_analyses_a_dirty_dialogue_once(dialogue, organisation, make_member):
    camps(dialogue, organisation, make_member)
    assert tasks.refresh_dialogue.call(dialogue.pk) == "analysed"
    stored = DialogueAnalysis.objects.get(dialogue=dialogue)
    assert not stored.dirty
    assert stored.computed_at is not None
    assert queries.results_view(dialogue).results.totals.voters.value == 16
    DialogueAnalysis.objects.filter(dialogue=dialogue).update(computed_at=timezone.now() - tasks.DEBOUNCE)
    assert tasks.refresh_dialogue.call(dialogue.pk) == "up to date"


def test_a_new_vote_makes_the_analysis_due_again(dialogue, organisation, make_member):
    participants = camps(dialogue, organisation, make_member)
    tasks.refresh_dialogue.call(dialogue.pk)
    _camp, participant = participants[0]
    statement = actions.add_seed_statements(dialogue=dialogue, texts=["Ett påstående till"])[0]
    actions.vote(participant=participant, statement=statement, value=0)
    assert DialogueAnalysis.objects.get(dialogue=dialogue).dirty


def test_two_opposing_camps_are_found_and_the_shared_statement_unites_them(dialogue, organisation, make_member):
    camps(dialogue, organisation, make_member)
    results = analysed(dialogue)
    assert [group.size.value for group in results.groups] == [8, 8]
    first = dialogue.statements.first()
    assert results.consensus.rows[0].statement.number == first.number
    assert all(cell.agree == 100.0 for cell in results.consensus.rows[0].cells)


def test_a_group_below_the_threshold_and_its_complement_are_hidden(dialogue, organisation, make_member):
    # Two camps of 8 employees and 2 managers per camp: the managers (4) are below k = 5.
    def group_of(camp, index):
        return "first_line_manager" if index < 2 else "employee"

    camps(dialogue, organisation, make_member, sizes=(8, 8), group_of=group_of)
    results = analysed(dialogue)
    participation = {row.name: row.people for row in results.participation.actor_groups}
    assert participation["Första linjens chefer"].hidden
    # With the managers hidden, the employees must be hidden too, or 16 − 12 would give the managers away.
    assert participation["Medarbetare"].hidden
    assert (results.actor_consensus.groups, results.actor_consensus.rows) == ((), ())


def test_too_few_voters_show_nothing(dialogue, employee, manager):
    for user in (employee, manager):
        participant = actions.participant_for_member(dialogue, user.memberships.get(), create=True)
        actions.vote(participant=participant, statement=dialogue.statements.first(), value=1)
    report = worker.analyse_dialogue(dialogue).report
    assert report["enough"] is False
    assert set(report) == {"format", "k", "routing", "enough"}
    results = queries.results_view(dialogue).results
    assert (results.enough, results.totals, results.statements, results.groups) == (False, None, (), ())


def test_rejected_statements_are_left_out_of_the_results(dialogue, organisation, make_member):
    camps(dialogue, organisation, make_member)
    rejected = dialogue.statements.last()
    actions.moderate(statement=rejected, status="rejected")
    report = worker.analyse_dialogue(dialogue).report
    results = queries.results_view(dialogue).results
    assert rejected.number not in {row.statement.number for row in results.statements}
    assert report["routing"][str(rejected.number)] == 0


def test_the_analysis_is_deterministic(dialogue, organisation, make_member):
    camps(dialogue, organisation, make_member)
    first = worker.analyse_dialogue(dialogue).report
    DialogueAnalysis.objects.filter(dialogue=dialogue).update(state={})
    assert worker.analyse_dialogue(dialogue).report == first


def test_the_matrix_keeps_the_latest_vote_in_participant_and_statement_order(dialogue, organisation, make_member):
    participants = camps(dialogue, organisation, make_member, sizes=(3, 3))
    matrix, inputs = worker.load_matrix(dialogue)
    assert matrix.n_participants == 6
    assert matrix.n_statements == 6
    assert matrix.n_votes == Vote.objects.count()
    _camp, first = participants[0]
    row_of_first = sorted(p.number for _c, p in participants).index(first.number)
    mine = matrix.rows == row_of_first
    votes_by_column = dict(zip(matrix.cols[mine].tolist(), matrix.values[mine].tolist(), strict=True))
    assert votes_by_column == {0: 1, 1: -1, 2: 1, 3: -1, 4: 1, 5: -1}
    assert inputs.statement_numbers == sorted(inputs.statement_numbers)


@pytest.mark.parametrize("k", [3, 8])
def test_the_report_follows_the_threshold_the_dialogue_was_created_with(organisation, facilitator, make_member, k):
    organisation.anonymity_threshold = k
    organisation.save()
    dialogue = make_dialogue(organisation, facilitator)
    organisation.anonymity_threshold = 5  # a later change applies to new dialogues, not to this one
    organisation.save()
    camps(dialogue, organisation, make_member, sizes=(6, 6))
    results = analysed(dialogue)
    sizes = [group.size.value for group in results.groups]
    assert sizes == ([6, 6] if k <= 6 else [HIDDEN, HIDDEN])


def test_statements_waiting_for_pre_moderation_stay_out_of_the_results(organisation, facilitator, make_member):
    dialogue = make_dialogue(organisation, facilitator, moderation=Dialogue.Moderation.PRE)
    camps(dialogue, organisation, make_member)
    author = actions.participant_for_member(dialogue, facilitator.memberships.get(), create=True)
    pending = actions.add_statement(participant=author, text="Namnet på en person som inte ska synas")
    results = analysed(dialogue)
    assert pending.number not in {row.statement.number for row in results.statements}
    assert pending.number not in {rep.statement.number for group in results.groups for rep in group.representative}


def test_a_failing_dialogue_does_not_stop_the_others(dialogue, organisation, facilitator, make_member, monkeypatch):
    other = make_dialogue(organisation, facilitator, question="En annan fråga?")
    camps(dialogue, organisation, make_member, sizes=(3, 3))
    real = worker.analyse_dialogue

    def analyse(target):
        if target.pk == dialogue.pk:
            raise RuntimeError("broken")
        return real(target)

    monkeypatch.setattr(worker, "analyse_dialogue", analyse)
    with pytest.raises(RuntimeError):
        tasks.refresh_dialogue.call(dialogue.pk)
    assert tasks.refresh_dialogue.call(other.pk) == "analysed"
    assert DialogueAnalysis.objects.get(dialogue=other).computed_at is not None
    assert DialogueAnalysis.objects.get(dialogue=dialogue).dirty
