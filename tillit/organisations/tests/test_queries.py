import pytest

from tillit.core.collation import swedish_sort_key
from tillit.organisations import queries

pytestmark = pytest.mark.django_db


def test_people_are_listed_in_swedish_alphabetical_order(organisation, make_member):
    for name in ["Östen Ek", "Åsa Berg", "Ärla Sund", "Zara Lind", "anna Holm", "Émile Dahl"]:
        make_member(organisation, name=name)

    names = [membership.user.full_name for membership in queries.people_in(organisation)]

    assert names == ["anna Holm", "Émile Dahl", "Zara Lind", "Åsa Berg", "Ärla Sund", "Östen Ek"]


def test_the_unit_tree_orders_siblings_in_swedish(organisation, home_unit):
    from tillit.organisations import actions

    for name in ["Öppenvården", "Äldreomsorg", "Anhörigstöd"]:
        actions.create_unit(
            organisation=organisation, name=name, kind="department", parent=home_unit.parent, actor=None
        )

    siblings = [node.unit.name for node in queries.unit_tree(organisation) if node.depth == 1]

    assert siblings == ["Anhörigstöd", "Hemtjänst Norr", "Äldreomsorg", "Öppenvården"]


def test_the_swedish_key_puts_aa_ae_oe_after_z():
    assert sorted(["ö", "å", "z", "ä", "a"], key=swedish_sort_key) == ["a", "z", "å", "ä", "ö"]


# The unit tree, walked with tillit.organisations.tree ------------------------------------------------------------


@pytest.fixture
def chain(organisation, home_unit):
    """Socialförvaltningen / Hemtjänst Norr / Nattpatrullen / Natt 1, and a closed Natt 2 beside Natt 1."""
    from tillit.organisations import actions

    night = actions.create_unit(
        organisation=organisation, name="Nattpatrullen", kind="team", parent=home_unit, actor=None
    )
    first = actions.create_unit(organisation=organisation, name="Natt 1", kind="team", parent=night, actor=None)
    second = actions.create_unit(organisation=organisation, name="Natt 2", kind="team", parent=night, actor=None)
    actions.close_unit(unit=second, actor=None)
    return home_unit.parent, home_unit, night, first, second


def test_ancestors_run_from_the_top_down_in_a_fixed_number_of_queries(chain, django_assert_num_queries):
    top, home, night, first, _second = chain

    with django_assert_num_queries(2):
        above = queries.ancestors(first)

    assert above == [top, home, night]
    assert queries.ancestors(top) == []


def test_descendants_come_nearest_first_closed_ones_included(chain):
    _top, home, night, first, second = chain

    below = queries.descendants(home)

    assert below[0] == night
    assert set(below) == {night, first, second}
    assert queries.descendants(first) == []


def test_closing_takes_the_open_units_below(chain):
    _top, home, night, first, _second = chain

    assert queries.closing_with(home) == [home, night, first]


def test_a_units_path_runs_from_the_top(chain):
    _top, _home, _night, first, second = chain

    assert queries.unit_path(first) == "Socialförvaltningen / Hemtjänst Norr / Nattpatrullen / Natt 1"
    assert queries.unit_path(second).endswith("Nattpatrullen / Natt 2")


def test_the_tree_lists_open_units_depth_first_with_their_paths_and_closed_ones_on_request(chain):
    open_paths = [node.path for node in queries.unit_tree(chain[0].organisation)]
    all_paths = [node.path for node in queries.unit_tree(chain[0].organisation, include_closed=True)]

    assert open_paths == [
        "Socialförvaltningen",
        "Socialförvaltningen / Hemtjänst Norr",
        "Socialförvaltningen / Hemtjänst Norr / Nattpatrullen",
        "Socialförvaltningen / Hemtjänst Norr / Nattpatrullen / Natt 1",
    ]
    assert all_paths == [*open_paths, "Socialförvaltningen / Hemtjänst Norr / Nattpatrullen / Natt 2"]


def test_the_parents_map_holds_every_unit_of_the_organisation_only(chain, other_organisation):
    top, home, night, first, second = chain

    assert queries.unit_parents(top.organisation) == {
        top.pk: None,
        home.pk: top.pk,
        night.pk: home.pk,
        first.pk: night.pk,
        second.pk: night.pk,
    }
