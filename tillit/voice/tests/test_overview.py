"""The overview for leaders: suggestions per month by theme, channel, status or unit, the totals per unit and status,
and the time from suggestion to answer, for a known set of suggestions; its filters, bad filter input, who may open
it, and its queries. The arrangement itself (`voice/overview.py`) is tested first, without the database."""

from __future__ import annotations

import dataclasses
import datetime
import typing
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from tests.test_architecture import _numbers_in
from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit
from tillit.voice import actions
from tillit.voice import overview as arranged
from tillit.voice.models import ServicePage, Suggestion

D = datetime.date
TODAY = D(2026, 6, 15)
NOW = datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC)


def sv(msgid: str, **values: str) -> str:
    """A text of the page as the Swedish page writes it (the English msgid until it is translated), escaped."""
    with translation.override("sv"):
        return escape(gettext(msgid) % values if values else gettext(msgid))


def url(organisation, **query: str) -> str:
    address = f"/o/{organisation.slug}/brukarrosten/oversikt/"
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


# The arrangement, without the database ---------------------------------------------------------------------------


def test_the_period_ends_with_this_month_and_starts_on_the_first_of_a_month():
    assert arranged.period_start(D(2026, 6, 15), 12) == D(2025, 7, 1)
    assert arranged.period_start(D(2026, 1, 31), 24) == D(2024, 2, 1)
    assert arranged.period_start(D(2026, 1, 31), 1) == D(2026, 1, 1)
    assert arranged.period_start(D(2026, 1, 31), None) is None


def test_months_without_suggestions_are_there_as_zeros():
    breakdown = arranged.monthly_breakdown(
        [(D(2026, 1, 1), "safety", 2), (D(2026, 3, 1), "conduct", 1)],
        keys=[("safety", "Trygghet"), ("conduct", "Bemötande"), ("other", "Annat")],
        first=D(2025, 12, 1),
        last=D(2026, 4, 20),
    )

    assert breakdown.months == [D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)]
    assert [(series.label, series.counts) for series in breakdown.series] == [
        ("Trygghet", [0, 2, 0, 0, 0]),
        ("Bemötande", [0, 0, 0, 1, 0]),
    ]
    assert breakdown.month_totals == [0, 2, 0, 1, 0]
    assert [(row.month, row.counts, row.total) for row in breakdown.rows][1] == (D(2026, 1, 1), [2, 0], 2)


def test_everything_starts_with_the_first_month_that_has_a_suggestion_and_nothing_is_one_empty_month():
    breakdown = arranged.monthly_breakdown([(D(2026, 2, 1), "web", 1)], keys=[("web", "Webb")], first=None, last=TODAY)
    nothing = arranged.monthly_breakdown([], keys=[("web", "Webb")], first=None, last=TODAY)

    assert breakdown.months[0] == D(2026, 2, 1)
    assert len(breakdown.months) == 5
    assert (nothing.months, nothing.series, nothing.total) == ([D(2026, 6, 1)], [], 0)


def test_a_value_not_in_the_list_keeps_its_count_under_its_own_key():
    breakdown = arranged.monthly_breakdown([(D(2026, 6, 1), "gone", 3)], keys=[], first=None, last=TODAY)

    assert [(series.key, series.label, series.total) for series in breakdown.series] == [("gone", "gone", 3)]


def test_more_series_than_patterns_are_folded_into_one_for_the_chart_only():
    rows = [(D(2026, 6, 1), str(key), key + 1) for key in range(10)]
    breakdown = arranged.monthly_breakdown(
        rows, keys=[(str(key), f"u{key}") for key in range(10)], first=None, last=TODAY
    )

    chart = arranged.chart_series(breakdown, other="Övriga")

    assert len(chart) == arranged.CHART_SERIES
    assert [label for label, _counts in chart] == ["u3", "u4", "u5", "u6", "u7", "u8", "u9", "Övriga"]
    assert chart[-1][1] == [1 + 2 + 3]
    assert len(breakdown.series) == 10


months = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 6, 30))
count_rows = st.lists(st.tuples(months, st.sampled_from(["safety", "conduct", "", "x"]), st.integers(1, 50)))


@given(count_rows, st.one_of(st.none(), months))
def test_the_breakdown_adds_up_to_what_was_received_and_every_month_is_there_once(rows, first):
    breakdown = arranged.monthly_breakdown(rows, keys=[("safety", "T"), ("conduct", "B")], first=first, last=TODAY)

    assert breakdown.total == sum(count for _month, _key, count in rows)
    assert sum(series.total for series in breakdown.series) == breakdown.total
    assert sum(breakdown.month_totals) == breakdown.total
    assert breakdown.months == arranged.months_between(breakdown.months[0], breakdown.months[-1])
    assert all(series.total > 0 for series in breakdown.series)
    for month, _key, _count in rows:
        assert arranged.month_of(month) in breakdown.months
    chart = arranged.chart_series(breakdown, other="Övriga", limit=2)
    assert sum(sum(counts) for _label, counts in chart) == breakdown.total


@given(st.dictionaries(st.integers(0, 400), st.integers(0, 20)))
def test_the_median_of_a_histogram_is_the_median_of_its_values(histogram):
    values = sorted(day for day, count in histogram.items() for _ in range(count))

    found = arranged.median(histogram)

    if not values:
        assert found is None
    else:
        middle = len(values) // 2
        assert found == (values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2)


def test_answer_times_per_unit_and_for_all_units():
    rows, overall = arranged.answer_times(
        [("a", 10, 1), ("a", 40, 1), ("b", 2, 1), ("elsewhere", 1, 5), ("b", -3, 1)],
        [("a", 1), ("elsewhere", 4)],
        units=[("a", "Norr"), ("b", "Syd"), ("c", "Väst")],
        everyone="Alla",
    )

    assert [(row.label, row.answered, row.median_days, row.within, row.share_within, row.waiting) for row in rows] == [
        ("Norr", 2, 25.0, 1, 50.0, 1),
        ("Syd", 2, 1.0, 2, 100.0, 0),
        ("Väst", 0, None, 0, None, 0),
    ]
    assert (overall.label, overall.answered, overall.median_days, overall.within, overall.waiting) == (
        "Alla",
        4,
        6.0,
        3,
        1,
    )


def test_the_status_table_has_every_unit_and_sums_both_ways():
    table = arranged.unit_status_table(
        [("a", "received", 2), ("a", "done", 1), ("b", "done", 3), ("b", "unknown", 9)],
        units=[("a", "Norr"), ("b", "Syd"), ("c", "Väst")],
        statuses=[("received", "Mottaget"), ("done", "Genomfört")],
    )

    assert [(row.label, row.counts, row.total) for row in table.rows] == [
        ("Norr", [2, 1], 3),
        ("Syd", [0, 3], 3),
        ("Väst", [0, 0], 0),
    ]
    assert (table.statuses, table.totals, table.total) == (["Mottaget", "Genomfört"], [2, 4], 6)


def test_every_number_of_the_overview_says_it_is_not_a_figure_about_people():
    # Counts of anonymous suggestions the reader reads in full anyway: declared, as the architecture test asks of a
    # publication (docs/voice.md, The overview).
    classes = [
        value for value in vars(arranged).values() if dataclasses.is_dataclass(value) and isinstance(value, type)
    ]
    bare = [
        f"{cls.__name__}.{field.name}"
        for cls in classes
        for field in dataclasses.fields(cls)
        if _numbers_in(typing.get_type_hints(cls, include_extras=True)[field.name])
    ]

    assert len(classes) == 6
    assert bare == []


# The page, with a known set of suggestions ----------------------------------------------------------------------


def suggest(page, *, received: D, theme: str = "", channel: str = "web", **changes) -> Suggestion:
    suggestion = actions.submit(
        page=page, helps="Samma personal.", theme=theme, respondent="service_user", channel=channel
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(received_on=received, **changes)
    suggestion.refresh_from_db()
    return suggestion


def answered(suggestion: Suggestion, on: D) -> None:
    actions.answer(suggestion=suggestion, text="Tack, vi har ändrat schemat.")
    Suggestion.objects.filter(pk=suggestion.pk).update(answered_on=on)


@pytest.fixture
def south(organisation) -> Unit:
    social = Unit.objects.get(organisation=organisation, name="Socialförvaltningen")
    return organisation_actions.create_unit(
        organisation=organisation, name="Hemtjänst Syd", kind=Unit.Kind.SECTION, parent=social, actor=None
    )


@pytest.fixture
def known(organisation, home_unit, south, time_machine):
    """Eight suggestions, seven of them in the last twelve months (today is 15 June 2026)."""
    time_machine.move_to(NOW, tick=False)
    north_page = actions.open_page(organisation=organisation, unit=home_unit, name="Hemtjänst Norr")
    south_page = actions.open_page(organisation=organisation, unit=south, name="Hemtjänst Syd")
    suggest(north_page, received=D(2026, 6, 1), theme="safety")  # waiting two weeks: not late yet
    two = suggest(north_page, received=D(2026, 4, 10), theme="safety", channel="phone", status="done")
    answered(two, D(2026, 4, 20))  # 10 days
    three = suggest(north_page, received=D(2026, 4, 2), theme="conduct", status="considered")
    answered(three, D(2026, 5, 12))  # 40 days
    suggest(north_page, received=D(2026, 3, 5), channel="paper")  # no theme, waiting more than 30 days
    five = suggest(south_page, received=D(2026, 1, 15), theme="safety", status="not_possible", reason="Budget.")
    answered(five, D(2026, 1, 17))  # 2 days
    # Merged into the fifth: answered with it, so its own answer day (48 days) does not count.
    suggest(south_page, received=D(2026, 1, 20), theme="conduct", merged_into=five, answered_on=D(2026, 3, 9))
    suggest(south_page, received=D(2025, 12, 1), theme="conduct", text_removed_on=D(2026, 6, 1), helps="")
    eight = suggest(north_page, received=D(2024, 5, 1), theme="safety")  # before both periods
    answered(eight, D(2024, 5, 4))  # 3 days
    return {"north": home_unit, "south": south}


def test_the_last_twelve_months_by_theme_count_every_suggestion_once(client, facilitator, organisation, known):
    client.force_login(facilitator)

    response = client.get(url(organisation))

    assert response.status_code == 200
    per_month = response.context["per_month"]
    assert per_month.months[0] == D(2025, 7, 1)
    assert len(per_month.months) == 12
    assert per_month.total == 7  # merged and retention-deleted ones included, the one from 2024 not
    assert per_month.month_totals == [0, 0, 0, 0, 0, 1, 2, 0, 1, 2, 0, 1]
    assert [(series.label, series.total) for series in per_month.series] == [
        ("Trygghet", 3),
        ("Bemötande", 3),
        ("Inget tema", 1),
    ]
    text = response.content.decode()
    assert sv("Suggestions per month, by %(dimension)s", dimension="tema") in text
    assert f'<caption id="per-month-caption">{sv("Suggestions per month, by %(dimension)s", dimension="tema")}' in text
    assert '<th scope="row">december 2025</th>' in text
    assert text.count('class="bars__bar"') == 7 + 3  # seven segments, and three legend swatches


def test_the_totals_per_unit_and_status(client, facilitator, organisation, known):
    client.force_login(facilitator)

    statuses = client.get(url(organisation)).context["statuses"]

    assert statuses.statuses == ["Mottaget", "Övervägs", "Genomfört", "Inte möjligt"]
    assert [(row.label, row.counts, row.total) for row in statuses.rows] == [
        ("Hemtjänst Norr", [2, 1, 1, 0], 4),
        ("Hemtjänst Syd", [2, 0, 0, 1], 3),
    ]
    assert (statuses.totals, statuses.total) == ([4, 1, 1, 1], 7)


def test_time_to_answer_leaves_out_merged_suggestions_and_counts_the_late_ones(
    client, facilitator, organisation, known
):
    client.force_login(facilitator)

    response = client.get(url(organisation))

    times, overall = response.context["times"], response.context["overall"]
    assert [(row.label, row.answered, row.median_days, row.share_within, row.waiting) for row in times] == [
        ("Hemtjänst Norr", 2, 25.0, 50.0, 1),
        ("Hemtjänst Syd", 1, 2.0, 100.0, 0),  # the merged one is not answered and not waiting; nor the deleted
    ]
    assert (overall.answered, overall.median_days, overall.within, overall.waiting) == (3, 10.0, 2, 1)
    text = response.content.decode()
    assert "67&nbsp;%" in text
    assert sv("days to an answer (median)") in text


def test_everything_reaches_back_to_the_first_suggestion(client, facilitator, organisation, known):
    client.force_login(facilitator)

    response = client.get(url(organisation, period="all"))

    per_month = response.context["per_month"]
    assert (per_month.months[0], len(per_month.months), per_month.total) == (D(2024, 5, 1), 26, 8)
    assert response.context["overall"].median_days == 6.5  # 2, 3, 10 and 40 days


def test_twenty_four_months_start_two_years_back(client, facilitator, organisation, known):
    client.force_login(facilitator)

    per_month = client.get(url(organisation, period="24")).context["per_month"]

    assert (per_month.months[0], per_month.total) == (D(2024, 7, 1), 7)


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        ("channel", [("Webb", 5), ("Papper", 1), ("Telefon", 1)]),
        ("status", [("Mottaget", 4), ("Övervägs", 1), ("Genomfört", 1), ("Inte möjligt", 1)]),
        ("unit", [("Hemtjänst Norr", 4), ("Hemtjänst Syd", 3)]),
    ],
)
def test_the_breakdown_by_channel_status_or_unit(client, facilitator, organisation, known, dimension, expected):
    client.force_login(facilitator)

    per_month = client.get(url(organisation, dimension=dimension)).context["per_month"]

    assert [(series.label, series.total) for series in per_month.series] == expected


def test_one_unit_shows_its_own_suggestions_and_cannot_be_broken_down_by_unit(client, facilitator, organisation, known):
    client.force_login(facilitator)

    response = client.get(url(organisation, unit=str(known["south"].public_id), dimension="unit"))

    assert response.status_code == 200
    assert response.context["per_month"].total == 3
    assert [row.label for row in response.context["statuses"].rows] == ["Hemtjänst Syd"]
    assert response.context["form"].chosen_dimension == "theme"
    assert 'value="unit"' not in response.content.decode()
    assert response.context["overall"].label == "Hemtjänst Syd"


@pytest.mark.parametrize("query", [{"period": "13"}, {"period": "'; DROP"}, {"dimension": "respondent"}, {"x": "1"}])
def test_a_period_or_breakdown_not_in_the_lists_falls_back_to_the_default(
    client, facilitator, organisation, known, query
):
    client.force_login(facilitator)

    response = client.get(url(organisation, **query))

    assert response.status_code == 200
    assert response.context["per_month"].months[0] == D(2025, 7, 1)
    assert response.context["form"].chosen_dimension == "theme"
    assert not response.context["form"].errors


def test_a_unit_that_is_not_one_of_the_organisations_services_is_said_to_be_so(
    client, facilitator, organisation, other_organisation, known
):
    client.force_login(facilitator)
    elsewhere = Unit.objects.filter(organisation=other_organisation).first()
    without_page = Unit.objects.get(organisation=organisation, name="Socialförvaltningen")

    for forged in ["not-a-uuid", str(uuid.uuid4()), str(elsewhere.public_id), str(without_page.public_id), "%00"]:
        response = client.get(url(organisation, unit=forged))

        assert response.status_code == 200, forged
        assert sv("Choose a unit from the list: the one in the address has no service page here.") in (
            response.content.decode()
        )
        assert response.context["per_month"].total == 7  # the whole organisation meanwhile


def test_nothing_in_the_period_is_said_so(client, facilitator, organisation, home_unit, time_machine):
    time_machine.move_to(NOW, tick=False)
    page = actions.open_page(organisation=organisation, unit=home_unit, name="Hemtjänst Norr")
    suggest(page, received=D(2023, 1, 9))
    client.force_login(facilitator)

    text = client.get(url(organisation)).content.decode()

    assert sv("Nothing has come in") in text
    assert "<svg" not in text.split("</header>")[-1]


def test_without_service_pages_the_overview_points_to_them(client, facilitator, organisation):
    client.force_login(facilitator)

    response = client.get(url(organisation))

    assert response.status_code == 200
    assert f"/o/{organisation.slug}/brukarrosten/sidor/" in response.content.decode()
    assert sv("No service pages yet") in response.content.decode()


@pytest.mark.parametrize(("person", "status"), [("facilitator", 200), ("org_admin", 200), ("employee", 403)])
def test_process_leaders_and_administrators_open_the_overview_and_other_members_do_not(
    client, organisation, request, person, status
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url(organisation)).status_code == status


def test_a_visitor_is_sent_to_sign_in(client, organisation):
    response = client.get(url(organisation))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_organisations_administrator_finds_nothing(client, organisation, outsider):
    client.force_login(outsider)

    assert client.get(url(organisation)).status_code == 404


def test_the_queries_do_not_grow_with_the_suggestions(client, facilitator, organisation, known):
    client.force_login(facilitator)
    north_page = ServicePage.objects.get(unit=known["north"])

    def queries_for(query: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(organisation, **query)).status_code == 200
        return len(captured)

    queries_for({})  # the first request remembers the organisation in the session
    before = {dimension: queries_for({"dimension": dimension}) for dimension in ("theme", "unit")}
    for day in range(1, 29):
        suggest(north_page, received=D(2026, 2, day), theme="influence", channel="meeting", status="done")
        answered(Suggestion.objects.latest("pk"), D(2026, 3, day))

    after = {dimension: queries_for({"dimension": dimension}) for dimension in ("theme", "unit")}

    assert after == before
    assert before["theme"] <= 10
