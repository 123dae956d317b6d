"""The registry behind the start page's "Ongoing work": parts hand in their lists; the organisations app knows none
of them (the lists themselves are tested from the outside in tests/test_start_page.py)."""

from __future__ import annotations

import pytest

from tillit.organisations import ongoing


@pytest.fixture
def providers(monkeypatch):
    monkeypatch.setattr(ongoing, "_providers", {})


def item(title: str, *, urgent: bool = False) -> ongoing.Ongoing:
    return ongoing.Ongoing("Part", title, f"/{title}/", "waiting", "Go", urgent)


def test_what_asks_something_of_the_member_comes_first_otherwise_the_parts_order(providers):
    seen = []

    def first(request, membership):
        seen.append((request, membership))
        return [item("a"), item("b", urgent=True)]

    ongoing.register("first", first)
    ongoing.register("second", lambda request, membership: [item("c", urgent=True), item("d")])
    titles = [found.title for found in ongoing.ongoing_for("request", "membership")]  # type: ignore[arg-type]
    assert titles == ["b", "c", "a", "d"]
    assert seen == [("request", "membership")]


def test_registering_a_part_again_replaces_its_list(providers):
    ongoing.register("part", lambda request, membership: [item("old")])
    ongoing.register("part", lambda request, membership: [item("new")])
    assert [found.title for found in ongoing.ongoing_for(None, None)] == ["new"]  # type: ignore[arg-type]


def test_with_no_parts_nothing_is_going_on(providers):
    assert ongoing.ongoing_for(None, None) == []  # type: ignore[arg-type]
