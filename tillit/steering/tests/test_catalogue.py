"""The catalogue from the outside and through its actions: listing, filtering, a signal's arithmetic, adding,
changing and deleting (with a confirmation), who may, and bad input refused with nothing stored half."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from tillit.organisations import actions as organisation_actions
from tillit.organisations.models import Unit
from tillit.steering import actions, queries
from tillit.steering.actions import SteeringError
from tillit.steering.models import Campaign, CampaignSignal, Kind, Owner, Rating, Signal, Source
from tillit.workshops import actions as workshop_actions
from tillit.workshops.models import Item

pytestmark = pytest.mark.django_db


def catalogue_url(organisation) -> str:
    return f"/o/{organisation.slug}/styrsignaler/"


def add_url(organisation) -> str:
    return f"/o/{organisation.slug}/styrsignaler/ny/"


def signal_url(signal, path: str = "") -> str:
    return f"/styrsignaler/{signal.public_id}/{path}"


def make_signal(organisation, name="Genomförandeplan", **overrides) -> Signal:
    details = {
        "organisation": organisation,
        "name": name,
        "source": Source.AGENCY_REGULATION,
        "kind": Kind.RULES,
        "owner_name": "Socialstyrelsen",
        "occurrences_per_year": Decimal(52),
        "minutes_per_occurrence": Decimal(12),
        "people": 30,
    }
    details.update(overrides)
    return actions.create_signal(**details)


def posted(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Avvikelserapportering",
        "description": "",
        "source": Source.LAW,
        "kind": Kind.RULES,
        "owner_name": "IVO",
        "task": "Rapportera avvikelser",
        "minutes_per_occurrence": "7,5",
        "occurrences_per_year": "12",
        "people": "20",
        "result_used_by": "Kvalitetsstrategen",
    }
    data.update(overrides)
    return data


# --- Actions -------------------------------------------------------------------------------------------------------


def test_create_signal_stores_it_with_its_owner_units_and_hours(organisation, home_unit):
    signal = make_signal(organisation, units=[home_unit])

    assert signal.hours_per_year == Decimal(312)
    assert signal.owner.name == "Socialstyrelsen"
    assert list(signal.units.all()) == [home_unit]
    assert signal.name_key == "genomförandeplan"


def test_owners_are_one_whatever_the_case_and_spacing(organisation):
    first = actions.owner_named(organisation=organisation, name="Socialstyrelsen")
    again = actions.owner_named(organisation=organisation, name="  socialSTYRELSEN ")

    assert first == again
    assert Owner.objects.filter(organisation=organisation).count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 151])
def test_an_owner_without_a_name_or_with_a_too_long_one_is_refused(organisation, name):
    with pytest.raises(SteeringError):
        actions.owner_named(organisation=organisation, name=name)
    assert not Owner.objects.exists()


def test_a_duplicate_name_is_refused_whatever_the_case(organisation):
    make_signal(organisation, name="Genomförandeplan")

    with pytest.raises(SteeringError, match="already in the catalogue"):
        make_signal(organisation, name="  GENOMFÖRANDEPLAN ", owner_name="Ny ägare")

    assert Signal.objects.count() == 1
    assert not Owner.objects.filter(name="Ny ägare").exists()  # nothing stored half


def test_the_same_name_in_another_organisation_is_fine(organisation, other_organisation):
    make_signal(organisation)
    make_signal(other_organisation)

    assert Signal.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minutes_per_occurrence", Decimal(-5)),
        ("minutes_per_occurrence", Decimal(0)),
        ("minutes_per_occurrence", Decimal(100_000)),
        ("minutes_per_occurrence", Decimal("1.25")),
        ("occurrences_per_year", Decimal(-1)),
        ("occurrences_per_year", Decimal(10**30)),
        ("occurrences_per_year", Decimal("0.001")),
        ("occurrences_per_year", Decimal("NaN")),
        ("people", 0),
        ("people", -3),
        ("people", 10**12),
    ],
)
def test_absurd_figures_are_refused_and_nothing_is_stored(organisation, field, value):
    with pytest.raises(SteeringError):
        make_signal(organisation, **{field: value})

    assert not Signal.objects.exists()
    assert not Owner.objects.exists()


def test_more_than_a_working_year_for_each_person_is_refused(organisation):
    with pytest.raises(SteeringError, match="working year"):
        make_signal(organisation, minutes_per_occurrence=Decimal(2400), occurrences_per_year=Decimal(1000))


def test_a_unit_of_another_organisation_is_refused(organisation, other_organisation):
    foreign = Unit.objects.filter(organisation=other_organisation).first()

    with pytest.raises(SteeringError, match="own units"):
        make_signal(organisation, units=[foreign])

    assert not Signal.objects.exists()


def test_update_changes_everything_and_keeps_the_name_free_of_itself(organisation, home_unit):
    signal = make_signal(organisation)

    actions.update_signal(
        signal=signal,
        name="genomförandeplan",  # its own name in another case is no duplicate
        source=Source.BOARD,
        kind=Kind.GOALS,
        owner_name="Socialnämnden",
        occurrences_per_year=Decimal("0.5"),
        minutes_per_occurrence=Decimal("7.5"),
        people=2,
        units=[home_unit],
    )

    signal.refresh_from_db()
    assert (signal.name, signal.source, signal.kind, signal.owner.name) == (
        "genomförandeplan",
        Source.BOARD,
        Kind.GOALS,
        "Socialnämnden",
    )
    assert signal.hours_per_year == Decimal("0.125")
    assert list(signal.units.all()) == [home_unit]


def test_update_refuses_another_signals_name_and_changes_nothing(organisation):
    make_signal(organisation, name="Första")
    second = make_signal(organisation, name="Andra")

    with pytest.raises(SteeringError):
        actions.update_signal(
            signal=second,
            name="FÖRSTA",
            source=Source.LAW,
            kind=Kind.RULES,
            owner_name="Någon annan",
            occurrences_per_year=Decimal(1),
            minutes_per_occurrence=Decimal(1),
            people=1,
        )

    second.refresh_from_db()
    assert second.name == "Andra"
    assert not Owner.objects.filter(name="Någon annan").exists()


def launched_campaign(organisation, signal) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        organisation=organisation,
        name="Våren",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        opened_at=timezone.now(),
    )
    CampaignSignal.objects.create(campaign=campaign, signal=signal, reached_unit_ids=[])
    return campaign


def test_a_signal_a_campaign_asks_about_or_has_rated_cannot_be_deleted(organisation):
    signal = make_signal(organisation)
    campaign = launched_campaign(organisation, signal)

    with pytest.raises(SteeringError, match="campaign"):
        actions.delete_signal(signal=signal)
    Rating.objects.create(campaign=campaign, signal=signal, value=3, burden=4)
    with pytest.raises(SteeringError, match="rated"):
        actions.delete_signal(signal=signal)

    assert Signal.objects.filter(pk=signal.pk).exists()


def test_deleting_a_signal_keeps_its_owner(organisation):
    signal = make_signal(organisation)

    actions.delete_signal(signal=signal)

    assert not Signal.objects.exists()
    assert Owner.objects.filter(name="Socialstyrelsen").exists()


def test_queries_list_in_swedish_order_and_reach_follows_the_tree(organisation, home_unit):
    for name in ("Ärendehantering", "Avvikelser", "Öppna jämförelser", "Zonindelning"):
        make_signal(organisation, name=name)
    whole = make_signal(organisation, name="Budget")
    narrow = make_signal(organisation, name="Brukarenkät", units=[home_unit.parent])

    assert [s.name for s in queries.signals_of(organisation)] == [
        "Avvikelser",
        "Brukarenkät",
        "Budget",
        "Zonindelning",
        "Ärendehantering",
        "Öppna jämförelser",
    ]
    parents = {unit.pk: unit.parent_id for unit in Unit.objects.filter(organisation=organisation)}
    reach = queries.reach_now(organisation)
    assert reach.signals[narrow.pk] == frozenset({home_unit.pk, home_unit.parent_id})
    assert reach.signals[whole.pk] == frozenset(parents)


# --- Pages ---------------------------------------------------------------------------------------------------------


def test_the_empty_catalogue_says_so_and_offers_process_leaders_to_add(english, organisation, facilitator, employee):
    english.force_login(facilitator)
    page = english.get(catalogue_url(organisation)).content.decode()
    assert "The catalogue is empty" in page
    assert add_url(organisation) in page

    english.force_login(employee)
    page = english.get(catalogue_url(organisation)).content.decode()
    assert "The catalogue is empty" in page
    assert add_url(organisation) not in page


def test_the_catalogue_lists_filters_and_sums_hours_as_an_estimate(english, organisation, employee):
    make_signal(organisation, name="Genomförandeplan")  # 312 hours
    make_signal(
        organisation,
        name="Budgetuppföljning",
        source=Source.ADMINISTRATION,
        kind=Kind.ECONOMIC,
        owner_name="Förvaltningen",
        minutes_per_occurrence=Decimal(60),
        occurrences_per_year=Decimal(12),
        people=2,
    )  # 24 hours
    english.force_login(employee)

    page = english.get(catalogue_url(organisation)).content.decode()
    assert "Genomförandeplan" in page
    assert "Budgetuppföljning" in page
    assert "336" in page
    assert "(estimate)" in page

    assert "By kind of steering" in page
    assert "By owner" in page

    economic = english.get(catalogue_url(organisation), {"kind": Kind.ECONOMIC}).content.decode()
    assert "Budgetuppföljning" in economic
    assert "Genomförandeplan" not in economic
    assert "24" in economic

    owner = Owner.objects.get(name="Socialstyrelsen")
    by_owner = english.get(catalogue_url(organisation), {"owner": str(owner.public_id)}).content.decode()
    assert "Genomförandeplan" in by_owner
    assert "Budgetuppföljning" not in by_owner

    nothing = english.get(catalogue_url(organisation), {"kind": Kind.NORMS}).content.decode()
    assert "No signal matches the filters" in nothing

    # Nonsense filters filter nothing, and are no error.
    nonsense = english.get(catalogue_url(organisation), {"kind": "x", "owner": "not-an-id", "page": "abc"})
    assert nonsense.status_code == 200
    assert "Genomförandeplan" in nonsense.content.decode()


def test_the_catalogue_is_paginated_and_pages_keep_the_filters(english, organisation, employee):
    for number in range(30):
        make_signal(organisation, name=f"Signal {number:02}", kind=Kind.NORMS)
    english.force_login(employee)

    first = english.get(catalogue_url(organisation), {"kind": Kind.NORMS}).content.decode()
    second = english.get(catalogue_url(organisation), {"kind": Kind.NORMS, "page": 2}).content.decode()

    assert "Signal 00" in first
    assert "Signal 29" not in first
    assert "Signal 29" in second
    assert "Signal 00" not in second
    assert "kind=norms&amp;page=2" in first
    assert "30 signals" in first


def test_a_signal_shows_its_arithmetic_as_an_estimate(english, organisation, employee):
    signal = make_signal(
        organisation, minutes_per_occurrence=Decimal("7.5"), occurrences_per_year=Decimal(52), people=30
    )
    english.force_login(employee)

    page = english.get(signal_url(signal)).content.decode()

    assert "7.5 min × 52 times × 30 people" in page
    assert "195 hours a year" in page
    assert "(estimate)" in page
    assert signal_url(signal, "andra/") not in page  # members read, process leaders change


def test_a_tiny_burden_is_shown_as_under_a_tenth_never_as_zero(english, organisation, employee):
    signal = make_signal(
        organisation, minutes_per_occurrence=Decimal("0.1"), occurrences_per_year=Decimal("0.01"), people=1
    )
    english.force_login(employee)

    page = english.get(signal_url(signal)).content.decode()

    assert "under 0.1 hours a year" in page


def test_adding_a_signal_with_decimal_commas(english, organisation, facilitator, home_unit):
    english.force_login(facilitator)

    response = english.post(add_url(organisation), posted(units=[str(home_unit.public_id)]))

    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == signal_url(signal)
    assert signal.minutes_per_occurrence == Decimal("7.5")
    assert signal.hours_per_year == Decimal(30)
    assert list(signal.units.all()) == [home_unit]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"minutes_per_occurrence": "-5"}, "at least 0"),
        ({"minutes_per_occurrence": "sju"}, "Enter a number"),
        ({"minutes_per_occurrence": "1e9"}, "Enter a number"),
        ({"minutes_per_occurrence": "99999"}, "working week"),
        ({"minutes_per_occurrence": "7,55"}, "at most one decimal"),
        ({"occurrences_per_year": "0"}, "once in a hundred years"),
        ({"occurrences_per_year": "1 000 000"}, "times a year for each person"),
        ({"occurrences_per_year": "NaN"}, "Enter a number"),
        ({"people": "0"}, "At least one person"),
        ({"people": "2,5"}, "whole number"),
        ({"people": "99999999999"}, "At most"),
        ({"minutes_per_occurrence": "2400", "occurrences_per_year": "1000"}, "working year"),
        ({"name": ""}, "This field is required"),
        ({"source": "mars"}, "Select a valid choice"),
        ({"kind": ""}, "This field is required"),
        ({"owner_name": ""}, "This field is required"),
        ({"units": [str(uuid.uuid4())]}, "organisation&#x27;s own list"),
    ],
)
def test_bad_input_is_told_in_words_and_nothing_is_stored(english, organisation, facilitator, overrides, message):
    english.force_login(facilitator)

    response = english.post(add_url(organisation), posted(**overrides))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Signal.objects.exists()
    assert not Owner.objects.exists()


def test_a_unit_of_another_organisation_cannot_be_chosen(english, organisation, other_organisation, facilitator):
    foreign = Unit.objects.filter(organisation=other_organisation).first()
    english.force_login(facilitator)

    response = english.post(add_url(organisation), posted(units=[str(foreign.public_id)]))

    assert response.status_code == 422
    assert not Signal.objects.exists()


def test_a_duplicate_name_is_a_form_error(english, organisation, facilitator):
    make_signal(organisation, name="Avvikelserapportering")
    english.force_login(facilitator)

    response = english.post(add_url(organisation), posted(name="avvikelserapportering"))

    assert response.status_code == 422
    assert "already in the catalogue" in response.content.decode()
    assert Signal.objects.count() == 1


def workshop_of(organisation, leader, title):
    today = timezone.localdate()
    return workshop_actions.create_workshop(
        organisation=organisation,
        leader=leader.memberships.get(organisation=organisation),
        title=title,
        purpose="",
        service_user_group="",
        units=[],
        starts_on=today,
        ends_on=today,
    )


def test_effects_are_the_organisations_workshop_effects(
    english, organisation, other_organisation, facilitator, outsider
):
    english.force_login(facilitator)
    workshop = workshop_of(organisation, facilitator, "Hemtjänstens mål")
    effect = Item.objects.create(workshop=workshop, kind=Item.Kind.EFFECT, title="Brukaren känner sig trygg")
    Item.objects.create(workshop=workshop, kind=Item.Kind.ACTIVITY, title="En aktivitet")
    other_workshop = workshop_of(other_organisation, outsider, "Annan kommun")
    foreign = Item.objects.create(workshop=other_workshop, kind=Item.Kind.EFFECT, title="Främmande effekt")

    form = english.get(add_url(organisation)).content.decode()
    assert "Brukaren känner sig trygg" in form
    assert "En aktivitet" not in form
    assert "Främmande effekt" not in form

    refused = english.post(add_url(organisation), posted(effects=[str(foreign.public_id)]))
    assert refused.status_code == 422
    assert not Signal.objects.exists()

    english.post(add_url(organisation), posted(effects=[str(effect.public_id)]))
    signal = Signal.objects.get()
    assert list(signal.effects.all()) == [effect]
    assert "Brukaren känner sig trygg" in english.get(signal_url(signal)).content.decode()


def test_a_member_reads_only_the_effects_of_workshops_they_take_part_in(english, organisation, facilitator, employee):
    workshop = workshop_of(organisation, facilitator, "Ledningens workshop")
    effect = Item.objects.create(workshop=workshop, kind=Item.Kind.EFFECT, title="Ett förslag under arbete")
    signal = make_signal(organisation)
    signal.effects.set([effect])

    english.force_login(employee)
    assert "Ett förslag under arbete" not in english.get(signal_url(signal)).content.decode()
    workshop_actions.add_member(workshop=workshop, membership=employee.memberships.get(organisation=organisation))
    assert "Ett förslag under arbete" in english.get(signal_url(signal)).content.decode()
    english.force_login(facilitator)
    assert "Ett förslag under arbete" in english.get(signal_url(signal)).content.decode()


def test_editing_shows_the_figures_with_decimal_commas_and_saves(english, organisation, facilitator):
    signal = make_signal(organisation, minutes_per_occurrence=Decimal("7.5"))
    english.force_login(facilitator)

    form = english.get(signal_url(signal, "andra/")).content.decode()
    assert 'value="7,5"' in form
    assert 'value="52"' in form

    response = english.post(signal_url(signal, "andra/"), posted(name="Nytt namn", people="1 000"))

    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.name, signal.people) == ("Nytt namn", 1000)


def test_deleting_asks_first_then_deletes(english, organisation, facilitator):
    signal = make_signal(organisation)
    english.force_login(facilitator)

    asked = english.get(signal_url(signal, "ta-bort/"))
    assert asked.status_code == 200
    assert "Delete the signal?" in asked.content.decode()
    assert Signal.objects.exists()

    deleted = english.post(signal_url(signal, "ta-bort/"))
    assert deleted.status_code == 302
    assert deleted["Location"] == catalogue_url(organisation)
    assert not Signal.objects.exists()


def test_deleting_a_rated_signal_is_refused_with_a_reason(english, organisation, facilitator):
    signal = make_signal(organisation)
    launched_campaign(organisation, signal)
    english.force_login(facilitator)

    asked = english.get(signal_url(signal, "ta-bort/")).content.decode()
    assert "cannot be deleted" in asked

    refused = english.post(signal_url(signal, "ta-bort/"))
    assert refused.status_code == 422
    assert "cannot be deleted" in refused.content.decode()
    assert Signal.objects.exists()


# --- Who may -------------------------------------------------------------------------------------------------------

READERS = ["org_admin", "facilitator", "manager", "employee", "politician"]
CHANGERS = ["org_admin", "facilitator"]


@pytest.mark.parametrize("role", READERS)
def test_every_member_reads_the_catalogue_and_a_signal(english, organisation, role, request):
    signal = make_signal(organisation)
    english.force_login(request.getfixturevalue(role))

    assert english.get(catalogue_url(organisation)).status_code == 200
    assert english.get(signal_url(signal)).status_code == 200


@pytest.mark.parametrize("role", READERS)
def test_only_process_leaders_and_administrators_change(english, organisation, role, request):
    signal = make_signal(organisation)
    english.force_login(request.getfixturevalue(role))
    expected = 200 if role in CHANGERS else 403

    assert english.get(add_url(organisation)).status_code == expected
    assert english.get(signal_url(signal, "andra/")).status_code == expected
    assert english.get(signal_url(signal, "ta-bort/")).status_code == expected
    assert english.get(f"/o/{organisation.slug}/styrsignaler/import/").status_code == expected


@pytest.mark.parametrize("role", ["manager", "employee", "politician"])
def test_an_employee_post_is_refused_and_changes_nothing(english, organisation, role, request):
    signal = make_signal(organisation)
    english.force_login(request.getfixturevalue(role))

    assert english.post(add_url(organisation), posted()).status_code == 403
    assert english.post(signal_url(signal, "andra/"), posted(name="Kapad")).status_code == 403
    assert english.post(signal_url(signal, "ta-bort/")).status_code == 403
    assert Signal.objects.get().name == "Genomförandeplan"


def test_another_organisation_and_unknown_ids_are_404(english, organisation, outsider, other_organisation):
    signal = make_signal(organisation)
    english.force_login(outsider)

    for url in (
        catalogue_url(organisation),
        add_url(organisation),
        signal_url(signal),
        signal_url(signal, "andra/"),
        signal_url(signal, "ta-bort/"),
        f"/o/{organisation.slug}/styrsignaler/import/",
    ):
        assert english.get(url).status_code == 404, url
    assert english.post(signal_url(signal, "ta-bort/")).status_code == 404
    assert Signal.objects.exists()
    assert english.get(f"/styrsignaler/{uuid.uuid4()}/").status_code == 404


def test_not_signed_in_is_sent_to_sign_in(client, organisation):
    signal = make_signal(organisation)

    for url in (catalogue_url(organisation), signal_url(signal)):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"] or "logga-in" in response["Location"]


def test_an_organisation_without_units_of_its_own_still_works(english, organisation, facilitator):
    organisation_actions.create_unit(
        organisation=organisation, name="Elevhälsan", kind=Unit.Kind.SECTION, parent=None, actor=None
    )
    english.force_login(facilitator)

    assert "Elevhälsan" in english.get(add_url(organisation)).content.decode()


def test_the_catalogues_queries_do_not_grow_with_the_signals(english, organisation, employee, home_unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    english.force_login(employee)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert english.get(catalogue_url(organisation)).status_code == 200
        return len(captured)

    for number in range(3):
        make_signal(organisation, name=f"Liten {number}", units=[home_unit])
    queries_for_page()  # the first request after signing in also updates the session
    few = queries_for_page()
    for number in range(20):
        make_signal(organisation, name=f"Stor {number}", owner_name=f"Ägare {number}", units=[home_unit])
    many = queries_for_page()

    assert many == few
