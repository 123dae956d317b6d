"""The live tally: counting answers, merging a word cloud's words by Swedish stems."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tillit.live.tally import Row, count_words, stem_of, tally


def test_a_word_cloud_merges_inflections_and_counts_each_phone_once_per_stem():
    rows = [
        Row(participant=1, item=0, text="Tillit"),
        Row(participant=2, item=0, text="tilliten"),
        Row(participant=2, item=1, text="TILLIT"),
        Row(participant=3, item=0, text="Mod"),
    ]

    words = count_words(rows)

    assert [(word.word, word.participants) for word in words] == [("tillit", 2), ("mod", 1)]


def test_hidden_stems_are_left_out():
    rows = [Row(participant=1, item=0, text="skit"), Row(participant=2, item=0, text="tillit")]

    assert [word.word for word in count_words(rows, hidden=[stem_of("skit")])] == ["tillit"]


def test_a_scale_counts_values_and_its_mean():
    rows = [Row(participant=n, item=0, value=value) for n, value in enumerate([1, 5, 5, 3])]

    result = tally(rows)

    assert result.participants == 4
    assert result.counts == {0: {1: 1, 5: 2, 3: 1}}
    assert result.mean(0) == 3.5
    assert result.mean(1) is None


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 4), st.integers(0, 10)), max_size=80))
def test_every_row_is_counted_once(rows):
    result = tally([Row(participant=who, item=item, value=value) for who, item, value in rows])

    assert sum(result.answered(item) for item in range(5)) == len(rows)
    assert result.participants == len({who for who, _item, _value in rows})
