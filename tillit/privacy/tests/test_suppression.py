"""The k-threshold and complementary suppression of a one-dimensional breakdown."""

import copy
import pickle
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy.suppression import (
    HIDDEN,
    MIN_THRESHOLD,
    Cell,
    Hidden,
    cells,
    check_threshold,
    count,
    ranked,
    shown_groups,
    suppress,
)

# Bounded so the whole module runs in a few seconds; no example database, so no .hypothesis/ in the repository.
bounded = settings(max_examples=200, deadline=None, database=None)

group_sizes = st.dictionaries(
    keys=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=3),
    values=st.integers(min_value=0, max_value=12),
    min_size=1,
    max_size=12,
)
thresholds = st.integers(min_value=3, max_value=7)


# Examples


def test_a_group_of_four_is_hidden_when_k_is_five():
    assert shown_groups({"a": 4, "b": 6, "c": 7}, k=5, parent_shown=False) == {"b", "c"}


def test_a_group_of_exactly_k_is_shown():
    assert shown_groups({"a": 5}, k=5, parent_shown=False) == {"a"}


def test_all_groups_of_at_least_k_are_shown():
    sizes = {"a": 5, "b": 9, "c": 12}

    assert shown_groups(sizes, k=5) == {"a", "b", "c"}
    assert shown_groups(sizes, k=5, parent_shown=False) == {"a", "b", "c"}


def test_a_lone_small_group_under_a_shown_parent_takes_the_smallest_visible_group_with_it():
    # b alone would be parent minus a minus c, so c (the smallest visible group) is hidden too.
    assert shown_groups({"a": 10, "b": 3, "c": 8}, k=5, parent_shown=True) == {"a"}


def test_without_a_shown_parent_only_the_small_group_is_hidden():
    assert shown_groups({"a": 10, "b": 3, "c": 8}, k=5, parent_shown=False) == {"a", "c"}


def test_small_groups_that_together_stay_below_k_take_the_smallest_visible_group_with_them():
    # b and c together are 4 people: parent minus a and d would be a result from fewer than 5.
    assert shown_groups({"a": 10, "b": 2, "c": 2, "d": 6}, k=5) == {"a"}


def test_two_small_groups_that_together_reach_k_need_no_further_suppression():
    assert shown_groups({"a": 10, "b": 3, "c": 4, "d": 6}, k=5) == {"a", "d"}


def test_a_small_group_next_to_one_large_group_hides_everything_under_a_shown_parent():
    assert shown_groups({"a": 10, "b": 3}, k=5) == frozenset()


def test_equally_large_groups_are_hidden_in_a_fixed_order():
    assert shown_groups({"y": 8, "x": 8, "s": 2}, k=5) == {"y"}
    assert shown_groups({"x": 8, "y": 8, "s": 2}, k=5) == {"y"}


def test_an_empty_group_is_never_shown():
    assert shown_groups({"a": 0, "b": 7}, k=5) == {"b"}
    assert shown_groups({"a": 0}, k=3, parent_shown=False) == frozenset()


def test_an_empty_group_does_not_trigger_complementary_suppression():
    assert shown_groups({"a": 0, "b": 7, "c": 9}, k=5) == {"b", "c"}


def test_an_empty_group_does_not_count_as_a_second_hidden_group():
    assert shown_groups({"a": 0, "b": 3, "c": 7, "d": 9}, k=5) == {"d"}


def test_no_group_is_shown_when_the_parent_is_below_k():
    assert shown_groups({"a": 2, "b": 1, "c": 1}, k=5, parent_shown=False) == frozenset()


def test_no_groups_show_nothing():
    assert shown_groups({}, k=5) == frozenset()


@pytest.mark.parametrize("size", [-1, 2.5, "3", None, True])
def test_a_size_that_is_not_a_count_is_refused(size):
    with pytest.raises(ValueError, match="size of group"):
        shown_groups({"a": 7, "b": size}, k=5)


# The threshold


@pytest.mark.parametrize("k", [2, 0, -1, "5", 2.5, True, None])
def test_a_threshold_below_three_or_not_a_whole_number_is_refused(k):
    with pytest.raises(ValueError, match="anonymity threshold"):
        check_threshold(k)


@pytest.mark.parametrize("k", [3, 5, 100])
def test_a_whole_number_threshold_of_at_least_three_is_accepted(k):
    assert check_threshold(k) == k


def test_the_minimum_threshold_is_three():
    assert MIN_THRESHOLD == 3


@pytest.mark.parametrize("function", [shown_groups, suppress, cells])
def test_every_entry_point_refuses_a_threshold_below_three(function):
    arguments = ({"a": 2},) if function is shown_groups else ({"a": 1.0}, {"a": 2})
    with pytest.raises(ValueError, match="anonymity threshold"):
        function(*arguments, k=2)


# The hidden value


def test_hidden_is_falsy_and_renders_as_nothing():
    assert not HIDDEN
    assert str(HIDDEN) == ""
    assert f"{HIDDEN}|{HIDDEN:.1f}" == "|"
    assert repr(HIDDEN) == "HIDDEN"


def test_hidden_cannot_be_computed_with():
    with pytest.raises(TypeError):
        HIDDEN + 1


def test_hidden_stays_one_object_when_created_copied_or_pickled():
    assert Hidden() is HIDDEN
    assert copy.copy(HIDDEN) is HIDDEN
    assert copy.deepcopy(HIDDEN) is HIDDEN
    assert pickle.loads(pickle.dumps(HIDDEN)) is HIDDEN  # noqa: S301 - our own bytes


# suppress and cells


def test_suppress_replaces_hidden_values_and_keeps_the_order():
    values = {"a": 4.2, "b": 3.1, "c": 2.5}

    result = suppress(values, {"a": 10, "b": 3, "c": 8}, k=5, parent_shown=False)

    assert result == {"a": 4.2, "b": HIDDEN, "c": 2.5}
    assert list(result) == ["a", "b", "c"]


def test_suppress_applies_complementary_suppression_when_the_parent_is_shown():
    values = {"a": 4.2, "b": 3.1, "c": 2.5}

    assert suppress(values, {"a": 10, "b": 3, "c": 8}, k=5) == {"a": 4.2, "b": HIDDEN, "c": HIDDEN}


def test_suppress_hides_a_value_without_a_size():
    assert suppress({"a": 1, "z": 2}, {"a": 9}, k=5) == {"a": 1, "z": HIDDEN}


def test_cells_hide_the_respondent_count_together_with_the_value():
    result = cells({"a": 4.2, "b": 3.1, "c": 2.5}, {"a": 10, "b": 3, "c": 8}, k=5, parent_shown=False)

    assert result == {"a": Cell(4.2, 10), "b": Cell(HIDDEN, HIDDEN), "c": Cell(2.5, 8)}
    assert [cell.hidden for cell in result.values()] == [False, True, False]


def test_cells_cover_every_group_and_an_empty_one_looks_hidden():
    result = cells({"a": 4.2, "b": None, "c": 3.0}, {"a": 10, "b": 0, "c": 2}, k=5, parent_shown=False)

    assert result == {"a": Cell(4.2, 10), "b": Cell(HIDDEN, HIDDEN), "c": Cell(HIDDEN, HIDDEN)}


def test_cells_need_a_value_for_every_shown_group():
    with pytest.raises(KeyError):
        cells({"a": 4.2}, {"a": 10, "c": 6}, k=5, parent_shown=False)


def test_cells_do_not_read_the_values_of_hidden_groups():
    assert cells({"a": 4.2}, {"a": 10, "c": 2}, k=5, parent_shown=False) == {
        "a": Cell(4.2, 10),
        "c": Cell(HIDDEN, HIDDEN),
    }


def test_a_cell_cannot_show_its_count_while_hiding_its_value():
    with pytest.raises(ValueError, match="hidden together"):
        Cell(HIDDEN, 3)
    with pytest.raises(ValueError, match="hidden together"):
        Cell(4.2, HIDDEN)


# Properties


def non_empty(sizes):
    return [key for key, size in sizes.items() if size > 0]


@bounded
@given(sizes=group_sizes, k=thresholds, parent_shown=st.booleans())
def test_every_shown_group_meets_k(sizes, k, parent_shown):
    assert all(sizes[key] >= k for key in shown_groups(sizes, k=k, parent_shown=parent_shown))


@bounded
@given(sizes=group_sizes, k=thresholds)
def test_hidden_groups_under_a_shown_parent_are_at_least_two_and_at_least_k_together(sizes, k):
    shown = shown_groups(sizes, k=k, parent_shown=True)
    hidden = [key for key in non_empty(sizes) if key not in shown]

    if hidden:
        protected = sum(sizes[key] for key in hidden) >= k and len(hidden) >= 2
        assert protected or not shown


@bounded
@given(sizes=group_sizes, k=thresholds, requested=st.booleans())
def test_no_hidden_value_follows_from_the_visible_values_and_the_parent(sizes, k, requested):
    """The real guarantee: the visible equations determine no hidden group's value.

    Each non-empty group g has an unknown value x_g. A reader sees x_g for every shown group and, when the parent
    is shown, the sum of all x_g. A hidden x_g is determined exactly when the unit vector e_g lies in the row
    space of those equations' coefficients.
    """
    parent_shown = requested and sum(sizes.values()) >= k  # as a caller must decide it
    shown = shown_groups(sizes, k=k, parent_shown=parent_shown)
    groups = non_empty(sizes)
    visible_equations = [unit(groups, key) for key in groups if key in shown]
    if parent_shown:
        visible_equations.append([Fraction(1)] * len(groups))

    for key in groups:
        if key not in shown:
            assert rank([*visible_equations, unit(groups, key)]) == rank(visible_equations) + 1, key


@bounded
@given(sizes=group_sizes, k=thresholds, parent_shown=st.booleans(), data=st.data())
def test_the_result_does_not_depend_on_the_order_of_the_groups(sizes, k, parent_shown, data):
    shuffled = dict(data.draw(st.permutations(list(sizes.items()))))

    assert shown_groups(shuffled, k=k, parent_shown=parent_shown) == shown_groups(sizes, k=k, parent_shown=parent_shown)


@bounded
@given(sizes=group_sizes, k=thresholds, raise_by=st.integers(min_value=1, max_value=4), parent_shown=st.booleans())
def test_raising_k_never_shows_more_groups(sizes, k, raise_by, parent_shown):
    assert shown_groups(sizes, k=k + raise_by, parent_shown=parent_shown) <= shown_groups(
        sizes, k=k, parent_shown=parent_shown
    )


@bounded
@given(sizes=group_sizes, k=thresholds)
def test_hiding_the_parent_never_hides_more_groups(sizes, k):
    assert shown_groups(sizes, k=k, parent_shown=True) <= shown_groups(sizes, k=k, parent_shown=False)


@bounded
@given(sizes=group_sizes, k=thresholds, parent_shown=st.booleans())
def test_suppress_and_cells_agree_with_shown_groups(sizes, k, parent_shown):
    values = {key: f"value of {key}" for key in sizes}
    shown = shown_groups(sizes, k=k, parent_shown=parent_shown)

    suppressed = suppress(values, sizes, k=k, parent_shown=parent_shown)
    report = cells(values, sizes, k=k, parent_shown=parent_shown)

    assert suppressed == {key: values[key] if key in shown else HIDDEN for key in sizes}
    assert report == {key: Cell(values[key], sizes[key]) if key in shown else Cell(HIDDEN, HIDDEN) for key in sizes}


# Exact linear algebra for the guarantee above


def unit(groups, key):
    return [Fraction(int(group == key)) for group in groups]


def rank(rows):
    """The rank of a matrix of Fractions, by Gaussian elimination."""
    matrix = [list(row) for row in rows]
    columns = len(matrix[0]) if matrix else 0
    rank = 0
    for column in range(columns):
        pivot = next((row for row in range(rank, len(matrix)) if matrix[row][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for row in range(len(matrix)):
            if row != rank and matrix[row][column] != 0:
                factor = matrix[row][column] / matrix[rank][column]
                matrix[row] = [a - factor * b for a, b in zip(matrix[row], matrix[rank], strict=True)]
        rank += 1
    return rank


def test_the_rank_helper_sees_a_value_that_follows_from_the_parent():
    # x_a + x_b = known and x_a = known determine x_b.
    groups = ["a", "b"]
    equations = [unit(groups, "a"), [Fraction(1), Fraction(1)]]

    assert rank([*equations, unit(groups, "b")]) == rank(equations)
    assert rank([[Fraction(1)] * 3, unit(["a", "b", "c"], "a")]) == 2


# Counts and order


def test_a_count_below_k_is_hidden_and_so_is_nobody():
    assert count(4, k=5).hidden
    assert count(0, k=5).hidden
    assert count(5, k=5) == Cell(5, 5)


def test_a_hidden_score_is_never_ranked_between_shown_ones():
    scores = {"a": 2.5, "b": HIDDEN, "c": 2.1, "d": None, "e": 2.5}

    rows = ranked(["a", "b", "c", "d", "e"], scores.get)

    assert [(row.item, row.rank) for row in rows] == [("a", 1), ("e", 2), ("c", 3), ("b", None), ("d", None)]


@bounded
@given(st.lists(st.one_of(st.none(), st.just(HIDDEN), st.floats(min_value=0, max_value=4)), max_size=12))
def test_the_place_of_a_hidden_row_does_not_depend_on_its_hidden_figure(figures):
    rows = ranked(list(range(len(figures))), lambda index: figures[index])
    hidden = [row.item for row in rows if row.rank is None]

    assert hidden == [index for index, figure in enumerate(figures) if figure is None or figure is HIDDEN]
    assert [row.rank for row in rows if row.rank is not None] == list(range(1, len(figures) - len(hidden) + 1))
