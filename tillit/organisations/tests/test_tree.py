from tillit.organisations.tree import ancestors, descendants, subtree

PARENTS = {"soc": None, "äldre": "soc", "norr": "äldre", "söder": "äldre", "it": None}


def test_a_subtree_is_the_unit_and_everything_below_it():
    assert subtree("äldre", PARENTS) == {"äldre", "norr", "söder"}
    assert subtree("it", PARENTS) == {"it"}


def test_descendants_come_nearest_first():
    assert descendants("soc", PARENTS) == ["äldre", "norr", "söder"]


def test_ancestors_run_from_the_top_down():
    assert ancestors("norr", PARENTS) == ["soc", "äldre"]
    assert ancestors("soc", PARENTS) == []


def test_a_cycle_is_walked_once():
    looped = {"a": "b", "b": "a"}
    assert subtree("a", looped) == {"a", "b"}
    assert ancestors("a", looped) == ["b"]
