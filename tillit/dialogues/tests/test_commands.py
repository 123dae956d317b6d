import json
import shutil
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tillit.dialogues.models import Dialogue, DialogueParticipant, Statement, Vote
from tillit.dialogues.polis import read_conversation
from tillit.organisations.models import Organisation

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "polis"
LONDON = DATA / "london.youth.policing"


def run(*args: object) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_keeps_polis_ids_moderation_and_latest_votes(organisation):
    run("import_polis", str(LONDON), "--organisation", "norrby")
    source = read_conversation(LONDON)
    dialogue = Dialogue.objects.get()
    assert dialogue.question == source.topic
    assert dialogue.has_closed
    assert sorted(dialogue.statements.values_list("number", flat=True)) == [c.id for c in source.comments]
    rejected = {c.id for c in source.comments if c.moderated == -1}
    assert (
        set(dialogue.statements.filter(status=Statement.Status.REJECTED).values_list("number", flat=True)) == rejected
    )
    assert DialogueParticipant.objects.filter(dialogue=dialogue).count() == len(source.participants)
    stored = sorted(Vote.objects.values_list("participant__number", "statement__number", "value"))
    expected = sorted(
        zip(source.votes.voter_id.tolist(), source.votes.comment_id.tolist(), source.votes.vote.tolist(), strict=True)
    )
    assert stored == expected


def test_export_writes_the_format_back(organisation, tmp_path):
    run("import_polis", str(LONDON), "--organisation", "norrby")
    dialogue = Dialogue.objects.get()
    run("export_polis", str(dialogue.public_id), str(tmp_path / "out"))
    source, written = read_conversation(LONDON), read_conversation(tmp_path / "out")
    assert np.array_equal(written.votes.voter_id, source.votes.voter_id)
    assert np.array_equal(written.votes.comment_id, source.votes.comment_id)
    assert np.array_equal(written.votes.vote, source.votes.vote)
    assert [(c.id, c.body, c.moderated) for c in written.comments] == [
        (c.id, c.body, c.moderated) for c in source.comments
    ]
    assert written.topic == source.topic
    assert any(p.group_id is not None for p in written.participants)


def test_compare_prints_the_figures_as_json_and_keeps_nothing(db):
    output = run("compare_polis", str(LONDON), "--meta", "1,4-13")
    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures) == {"clustered_ours", "clustered_polis", "k_ours", "k_polis", "ari"}
    assert figures["k_polis"] == 3
    assert figures["ari"] >= 0.8
    assert not Dialogue.objects.exists()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: (d / "votes.csv").unlink(), "votes.csv"),
        (lambda d: (d / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n1,x,1,1,7\n"), "vote"),
        (lambda d: (d / "comments.csv").write_text("nonsense\n"), "comments.csv"),
        (
            lambda d: (d / "comments.csv").write_text(
                "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
                + "".join(f"1,x,{n},1,0,0,1,{'ord ' * 130}\n" for n in range(40))
            ),
            "500",
        ),
    ],
)
def test_a_malformed_conversation_is_refused_and_nothing_is_imported(organisation, tmp_path, breakage, message):
    broken = tmp_path / "broken"
    shutil.copytree(LONDON, broken)
    breakage(broken)
    with pytest.raises(CommandError, match=message):
        run("import_polis", str(broken), "--organisation", "norrby")
    assert not Dialogue.objects.exists()
    assert not Statement.objects.exists()
    assert not Vote.objects.exists()


def test_import_needs_a_known_organisation(db):
    with pytest.raises(CommandError, match="slug"):
        run("import_polis", str(LONDON), "--organisation", "finns-inte")


@pytest.mark.parametrize("meta", ["x", "5-1", "9999"])
def test_compare_refuses_bad_metadata_ids(db, meta):
    with pytest.raises(CommandError):
        run("compare_polis", str(LONDON), "--meta", meta)
    assert not Dialogue.objects.exists()


@pytest.mark.parametrize("name", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_export_refuses_an_unknown_dialogue(db, tmp_path, name):
    with pytest.raises(CommandError):
        run("export_polis", name, str(tmp_path))
