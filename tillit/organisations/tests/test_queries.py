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
