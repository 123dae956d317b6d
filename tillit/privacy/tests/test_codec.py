"""Stored figures come back as they were stored: hidden ones stay hidden."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy.codec import decode, encode
from tillit.privacy.suppression import HIDDEN, Cell


def test_a_hidden_cell_comes_back_hidden_and_a_shown_one_with_its_figures():
    report = {"groups": [Cell(12.5, 8), Cell(HIDDEN, HIDDEN)], "k": 5, "label": "A", "none": None}

    restored = decode(json.loads(json.dumps(encode(report))))

    assert restored == report
    assert restored["groups"][1].hidden


def test_hidden_is_not_null_in_the_stored_json():
    assert encode({"agree": HIDDEN}) == {"agree": {"__hidden__": True}}
    assert decode({"agree": None}) == {"agree": None}


def test_something_that_is_not_a_figure_cannot_be_stored():
    with pytest.raises(TypeError):
        encode({"when": object()})


figures = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(),
        st.just(HIDDEN),
        st.builds(Cell, st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=0)),
        st.just(Cell(HIDDEN, HIDDEN)),
    ),
    lambda children: st.one_of(st.lists(children), st.dictionaries(st.text(), children)),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, database=None)
@given(figures)
def test_any_report_survives_a_round_trip_through_json(report):
    assert decode(json.loads(json.dumps(encode(report)))) == report
