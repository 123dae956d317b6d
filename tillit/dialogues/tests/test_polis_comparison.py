"""Our opinion groups against the ones Pol.is published for real conversations.

For every shared conversation with a published grouping, read it, analyse it and compare
our groups with Pol.is's ``group-id`` over the participants both clustered (adjusted Rand
index, ARI). See :func:`tillit.dialogues.polis.compare_with_polis` for the procedure.

The exports do not say which statements the moderator marked as *metadata*; Pol.is leaves
those out of the clustering (compdemocracy.org/metadata). ``META`` restores that flag for
the two conversations whose seed statements are demographic self-descriptions:
london.youth.policing ("I am between 15 and 19 years old", "I identify as male", "My
ethnicity is White", ...) and scoop-hivemind.ubi ("I am 55 years of age or older", "I live
in a city", "I am currently working", ...).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from tillit.dialogues.analysis import VoteMatrix, analyse
from tillit.dialogues.polis import compare_groupings, compare_with_polis, read_conversation

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "polis"

META = {
    "london.youth.policing": [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    "scoop-hivemind.ubi": list(range(32, 43)),
}

MIN_ARI = 0.8


def has_grouping(directory: Path) -> bool:
    path = directory / "participants-votes.csv"
    if not path.is_file():
        return False
    with path.open(encoding="utf-8", newline="") as handle:
        return any((row.get("group-id") or "").strip() for row in csv.DictReader(handle))


def conversations() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted(path for path in DATA.iterdir() if path.is_dir() and has_grouping(path))


def test_shared_conversations_are_there():
    assert DATA.is_dir(), f"the shared Pol.is conversations are missing: expected them in {DATA}"
    assert len(conversations()) >= 5, f"expected at least five conversations with a grouping in {DATA}"


@pytest.mark.parametrize("directory", conversations(), ids=lambda path: path.name)
def test_groups_agree_with_pol_is(directory: Path):
    result = compare_with_polis(read_conversation(directory), meta_comment_ids=META.get(directory.name, ()))
    summary = (
        f"{directory.name}: ARI {result['ari']:.3f}, k {result['k_ours']} (ours) / {result['k_polis']} (Pol.is), "
        f"clustered {result['clustered_ours']} / {result['clustered_polis']} / both {result['clustered_both']}, "
        f"imputation {result['imputation']}"
    )
    assert result["ari"] >= MIN_ARI, summary
    assert result["k_ours"] == result["k_polis"], summary
    assert result["clustered_both"] >= 0.7 * result["clustered_polis"], summary


def test_compare_groupings_on_a_matrix():
    # Three camps of 20 with opposite views; "Pol.is" grouped them as we do, but left the
    # first five participants out and numbered the groups the other way round.
    rng = np.random.default_rng(0)
    camp = np.repeat(np.arange(3), 20)
    views = rng.choice(np.array([-1, 1]), size=(3, 15))
    votes = np.where(rng.random((60, 15)) < 0.05, -views[camp], views[camp])
    rows, cols = np.nonzero(np.ones((60, 15), dtype=bool))
    matrix = VoteMatrix(60, 15, rows, cols, votes[rows, cols])
    ours = analyse(matrix).groups
    published = np.where(np.arange(60) < 5, -1, 2 - ours)
    result = compare_groupings(matrix, published)
    assert result["ari"] == 1.0
    assert (result["k_ours"], result["k_polis"]) == (3, 3)
    assert (result["clustered_ours"], result["clustered_polis"], result["clustered_both"]) == (60, 55, 55)
    shuffled = published.copy()
    shuffled[5:] = rng.permutation(shuffled[5:])
    assert compare_groupings(matrix, shuffled)["ari"] < 0.2
    with pytest.raises(ValueError, match="one entry per participant"):
        compare_groupings(matrix, published[:10])
