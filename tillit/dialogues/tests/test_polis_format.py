"""Reading and writing the Pol.is open-data export (tillit.dialogues.polis). No database."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tillit.dialogues.polis import (
    PolisFormatError,
    read_conversation,
    vote_matrix,
    write_conversation,
)

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "polis"


def shared_conversations() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted(path for path in DATA.iterdir() if (path / "votes.csv").is_file())


def test_shared_data_is_there():
    assert DATA.is_dir(), f"the shared Pol.is conversations are missing: expected them in {DATA}"
    assert len(shared_conversations()) >= 5


@pytest.mark.parametrize("directory", shared_conversations(), ids=lambda path: path.name)
def test_round_trip(directory: Path, tmp_path: Path):
    first = read_conversation(directory)
    write_conversation(first, tmp_path)
    second = read_conversation(tmp_path)
    assert second == first
    # The same header layout, column for column.
    for name in ("votes.csv", "comments.csv"):
        original = (directory / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        written = (tmp_path / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert sorted(written) == sorted(original)
    original = (directory / "participants-votes.csv").read_text(encoding="utf-8").splitlines()[0]
    written = (tmp_path / "participants-votes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert written == original


def test_what_a_shared_conversation_contains():
    conversation = read_conversation(DATA / "london.youth.policing")
    assert conversation.topic == "What is the best way to engage more young people in local scrutiny of policing?"
    assert conversation.has_xid
    assert len(conversation.participants) == 26
    assert sum(p.group_id is not None for p in conversation.participants) == 24
    assert len(conversation.comments) == 39
    assert len(conversation.votes) == 638  # 640 lines, two of them superseded by a later vote
    assert conversation.comments[0].moderated == -1
    matrix, participant_ids, comment_ids = vote_matrix(conversation)
    assert participant_ids.tolist() == list(range(1, 27))
    assert comment_ids.tolist() == list(range(39))
    assert matrix.excluded.sum() == 3
    ubi = read_conversation(DATA / "scoop-hivemind.ubi")
    assert ubi.description.startswith("This HiveMind is  __*closed*__\n\nThankyou")  # a quoted, multi-line value


# --------------------------------------------------------------------------- small files


VOTES = "timestamp,datetime,comment-id,voter-id,vote\n100,a,0,0,1\n200,b,1,0,-1\n150,c,0,1,0\n"
COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '10,x,0,0,1,0,1,"First, with a comma"\n'
    "20,y,1,1,0,1,-1,Second\n"
)
PARTICIPANTS = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n0,0,1,2,1,1,1,-1\n1,,1,1,0,0,0,\n"
SUMMARY = 'topic,A topic\nconversation-description,"Two\nlines"\n'


def export(tmp_path: Path, **files: str) -> Path:
    contents = {
        "votes.csv": VOTES,
        "comments.csv": COMMENTS,
        "participants-votes.csv": PARTICIPANTS,
        "summary.csv": SUMMARY,
    }
    for name, text in files.items():
        contents[name.replace("_", "-") + ".csv"] = text
    for name, text in contents.items():
        if text is not None:
            (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_small_export(tmp_path: Path):
    conversation = read_conversation(export(tmp_path))
    assert conversation.topic == "A topic"
    assert conversation.description == "Two\nlines"
    assert [c.body for c in conversation.comments] == ["First, with a comma", "Second"]
    assert [(p.id, p.group_id) for p in conversation.participants] == [(0, 0), (1, None)]
    assert conversation.votes.vote.tolist() == [1, -1, 0]


def test_latest_vote_wins_by_timestamp_then_line(tmp_path: Path):
    votes = (
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "300,,0,0,-1\n"  # latest for (0, 0)
        "100,,0,0,1\n"
        "200,,1,0,1\n"
        "200,,1,0,0\n"  # same time as the line above: the later line wins
    )
    conversation = read_conversation(export(tmp_path, votes=votes))
    assert conversation.votes.comment_id.tolist() == [0, 1]
    assert conversation.votes.vote.tolist() == [-1, 0]
    assert conversation.votes.timestamp.tolist() == [300, 200]


def test_columns_are_found_by_name(tmp_path: Path):
    votes = "vote,voter-id,comment-id,timestamp\n1,0,1,5\n"
    participants = "xid,group-id,participant,n-votes\nabc,1,0,1\n"
    conversation = read_conversation(export(tmp_path, votes=votes, participants_votes=participants))
    assert conversation.votes.comment_id.tolist() == [1]
    assert conversation.participants[0].group_id == 1
    assert conversation.participants[0].xid == "abc"
    assert conversation.has_xid
    write_conversation(conversation, tmp_path / "out")
    assert read_conversation(tmp_path / "out") == conversation


BROKEN = [
    ("votes", None, "votes.csv is missing"),
    (
        "comments",
        "comment-id,author-id,moderated,comment-body\n0,0,1,x\n",
        "comments.csv, line 1: missing column 'timestamp'",
    ),
    ("votes", "timestamp,comment-id,voter-id\n1,0,0\n", "votes.csv, line 1: missing column 'vote'"),
    (
        "votes",
        "timestamp,comment-id,voter-id,vote\n1,0,zero,1\n",
        "votes.csv, line 2: column 'voter-id' must be a whole number, not 'zero'",
    ),
    (
        "votes",
        "timestamp,comment-id,voter-id,vote\n1,0,0,1\n2,1,0,2\n",
        "votes.csv, line 3: vote must be -1, 0 or 1, not 2",
    ),
    (
        "votes",
        "timestamp,comment-id,voter-id,vote\n1,7,0,1\n",
        "votes.csv, line 2: vote on comment 7, which is not in comments.csv",
    ),
    ("votes", "timestamp,comment-id,voter-id,vote\n", "votes.csv has no votes"),
    ("votes", "timestamp,comment-id,voter-id,vote\n1,0,0\n", "votes.csv, line 2: 3 fields, but the header has 4"),
    (
        "votes",
        "timestamp,comment-id,voter-id,vote\n1.5,0,0,1\n",
        "votes.csv, line 2: column 'timestamp' must be a whole number, not '1.5'",
    ),
    ("votes", "", "votes.csv is empty"),
    (
        "comments",
        "timestamp,comment-id,author-id,moderated,comment-body\n1,0,0,1,a\n2,1,0,1,b\n3,0,0,1,c\n",
        "comments.csv, line 4: comment-id 0 appears twice (first on line 2)",
    ),
    (
        "comments",
        "timestamp,comment-id,author-id,moderated,comment-body\n1,0,0,2,a\n",
        "comments.csv, line 2: moderated must be -1, 0 or 1, not 2",
    ),
    (
        "comments",
        'timestamp,comment-id,author-id,moderated,comment-body\n1,0,0,1,"a\nb"\n2,x,0,1,c\n',
        "comments.csv, line 4: column 'comment-id' must be a whole number, not 'x'",
    ),
    ("participants_votes", "participant,n-votes\n0,1\n", "participants-votes.csv, line 1: missing column 'group-id'"),
    (
        "participants_votes",
        "participant,group-id\n0,1\n0,\n",
        "participants-votes.csv, line 3: participant 0 appears twice (first on line 2)",
    ),
    (
        "participants_votes",
        "participant,group-id\n0,one\n",
        "participants-votes.csv, line 2: column 'group-id' must be a whole number, not 'one'",
    ),
    ("summary", "topic,A\njust a key\n", "summary.csv, line 2: expected 'key,value', found 'just a key'"),
    ("summary", 'topic,"never closed\n', "summary.csv, line 1: not valid CSV"),
]


@pytest.mark.parametrize(("name", "text", "message"), BROKEN, ids=[case[2][:40] for case in BROKEN])
def test_malformed_export(tmp_path: Path, name: str, text: str | None, message: str):
    directory = export(tmp_path, **{name: text})
    with pytest.raises(PolisFormatError) as caught:
        read_conversation(directory)
    assert message in str(caught.value)


def test_error_carries_file_and_line(tmp_path: Path):
    directory = export(tmp_path, votes="timestamp,comment-id,voter-id,vote\n1,0,0,1\n2,1,0,5\n")
    with pytest.raises(PolisFormatError) as caught:
        read_conversation(directory)
    assert (caught.value.file, caught.value.line) == ("votes.csv", 3)


def test_not_utf8_and_not_a_directory(tmp_path: Path):
    directory = export(tmp_path)
    (directory / "comments.csv").write_bytes(COMMENTS.encode("utf-8") + b"30,z,2,0,0,0,1,caf\xe9\n")
    with pytest.raises(PolisFormatError, match=r"comments\.csv is not UTF-8 text"):
        read_conversation(directory)
    with pytest.raises(PolisFormatError, match="is not a directory"):
        read_conversation(tmp_path / "nowhere")


def test_vote_matrix_maps_ids_in_ascending_order(tmp_path: Path):
    votes = "timestamp,comment-id,voter-id,vote\n1,1,20,1\n2,0,5,-1\n3,1,5,0\n"
    participants = "participant,group-id\n20,0\n5,1\n"
    conversation = read_conversation(export(tmp_path, votes=votes, participants_votes=participants))
    matrix, participant_ids, comment_ids = vote_matrix(conversation, meta_comment_ids=[0])
    assert participant_ids.tolist() == [5, 20]
    assert comment_ids.tolist() == [0, 1]
    cells = sorted(zip(matrix.rows.tolist(), matrix.cols.tolist(), matrix.values.tolist(), strict=True))
    assert cells == [(0, 0, -1), (0, 1, 0), (1, 1, 1)]
    assert matrix.excluded.tolist() == [False, True]  # comment 1 is moderated -1
    assert matrix.meta.tolist() == [True, False]
    with pytest.raises(ValueError, match="meta comment ids not in the conversation: 9"):
        vote_matrix(conversation, meta_comment_ids=[9])
    assert np.array_equal(conversation.votes.voter_id, [5, 5, 20])
