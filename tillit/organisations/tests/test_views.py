import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit, UnitEvent
from tillit.organisations.tests.helpers import join

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"organisations:{name}", kwargs={"organisation": organisation.slug, **kwargs})


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


def test_start_page_shows_who_you_are_and_where_you_act(client, employee, organisation):
    client.force_login(employee)

    body = client.get(url("start", organisation)).content.decode()

    assert "Erik Undersköterska" in body
    assert "Norrby kommun" in body
    assert "Hemtjänst Norr" in body
    with translation.override("sv"):
        assert gettext("Nothing waits for you right now") in body


def test_start_page_guides_a_new_administrator_to_the_unit_tree(client, make_member):
    from tillit.organisations import actions

    empty = actions.create_organisation(name="Tomby kommun", slug="tomby")
    client.force_login(make_member(empty, role=Membership.Role.ADMIN).user)

    body = client.get(url("start", empty)).content.decode()

    assert "Skapa den första enheten" in body


def test_admin_creates_a_sub_unit(admin_client, organisation, home_unit):
    response = admin_client.post(
        url("unit_create", organisation), {"name": "  Nattpatrullen  ", "kind": "team", "parent": home_unit.pk}
    )

    team = Unit.objects.get(organisation=organisation, name="Nattpatrullen")
    assert response.status_code == 302
    assert team.parent == home_unit
    assert team.events.get().kind == UnitEvent.Kind.CREATED


def test_a_sibling_with_the_same_name_is_refused_with_a_message(admin_client, organisation, home_unit):
    response = admin_client.post(
        url("unit_create", organisation), {"name": "Hemtjänst Norr", "kind": "section", "parent": home_unit.parent_id}
    )

    assert response.status_code == 200
    assert "Det finns redan en öppen enhet med det här namnet" in response.content.decode()
    assert Unit.objects.filter(name="Hemtjänst Norr").count() == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("", "Detta fält måste fyllas i.", id="empty"),
        pytest.param("   \t ", "Detta fält måste fyllas i.", id="only spaces"),
        pytest.param("x" * 151, "Högst 150 tecken (nu 151).", id="over-long"),
    ],
)
def test_bad_unit_names_are_refused(admin_client, organisation, name, message):
    before = Unit.objects.count()

    response = admin_client.post(url("unit_create", organisation), {"name": name, "kind": "section", "parent": ""})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Unit.objects.count() == before


def test_malicious_names_are_stored_as_text_and_shown_escaped(admin_client, organisation):
    admin_client.post(
        url("unit_create", organisation), {"name": "<img src=x onerror=alert(1)>", "kind": "section", "parent": ""}
    )

    body = admin_client.get(url("unit_list", organisation)).content.decode()

    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_an_unknown_kind_or_parent_is_refused(admin_client, organisation, other_organisation):
    foreign = Unit.objects.get(organisation=other_organisation)
    before = Unit.objects.count()

    bad_kind = admin_client.post(url("unit_create", organisation), {"name": "A", "kind": "galaxy", "parent": ""})
    bad_parent = admin_client.post(
        url("unit_create", organisation), {"name": "B", "kind": "section", "parent": foreign.pk}
    )

    assert "Välj ett giltigt alternativ" in bad_kind.content.decode()
    assert "Välj ett giltigt alternativ" in bad_parent.content.decode()
    assert Unit.objects.count() == before


def test_moving_a_unit_under_its_own_child_is_refused(admin_client, organisation, home_unit):
    top = home_unit.parent

    response = admin_client.post(url("unit_move", organisation, unit=top.public_id), {"parent": home_unit.pk})

    assert "under sig själv" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


def test_closing_asks_first_and_then_keeps_the_unit(admin_client, organisation, home_unit):
    confirm = admin_client.get(url("unit_close", organisation, unit=home_unit.public_id))
    home_unit.refresh_from_db()
    assert confirm.status_code == 200
    assert home_unit.is_open

    admin_client.post(url("unit_close", organisation, unit=home_unit.public_id))

    home_unit.refresh_from_db()
    assert not home_unit.is_open
    hidden = admin_client.get(url("unit_list", organisation), headers={"HX-Request": "true"}).content.decode()
    shown = admin_client.get(
        url("unit_list", organisation) + "?closed=1", headers={"HX-Request": "true"}
    ).content.decode()
    assert "Hemtjänst Norr" not in hidden
    assert "Hemtjänst Norr" in shown


def test_the_unit_tree_fragment_is_served_to_htmx(admin_client, organisation):
    response = admin_client.get(url("unit_list", organisation), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="unit-tree"')
    assert "<html" not in body


def test_the_unit_tree_lists_sub_units_inside_their_parent(admin_client, organisation):
    body = admin_client.get(url("unit_list", organisation)).content.decode()

    assert body.index("Socialförvaltningen") < body.index("<ul>", body.index("Socialförvaltningen"))
    assert body.index("<ul>", body.index("Socialförvaltningen")) < body.index("Hemtjänst Norr")


def test_admin_adds_a_person_and_invites_them(admin_client, organisation, home_unit, mailoutbox):
    group = ActorGroup.objects.get(organisation=organisation, key="employee")

    response = admin_client.post(
        url("person_create", organisation),
        {
            "full_name": "Lena Lindgren",
            "email": "Lena@Norrby.Example",
            "unit": home_unit.pk,
            "actor_group": group.pk,
            "level": "",
            "role": "participant",
            "send_invitation": "on",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="lena@norrby.example")
    assert membership.unit == home_unit
    assert mailoutbox[0].to == ["lena@norrby.example"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"full_name": "", "email": "a@b.example"}, "Detta fält måste fyllas i.", id="empty name"),
        pytest.param({"full_name": "N" * 151, "email": "a@b.example"}, "Högst 150 tecken", id="over-long name"),
        pytest.param(
            {"full_name": "Nils", "email": "inte en adress"}, "Fyll i en giltig e-postadress.", id="bad e-mail"
        ),
        pytest.param(
            {"full_name": "Nils", "email": "erik@norrby.example"},
            "tillhör redan den här organisationen",
            id="already a member",
        ),
        pytest.param(
            {"full_name": "Nils", "email": "a@b.example", "role": "root"},
            "Välj ett giltigt alternativ",
            id="unknown role",
        ),
    ],
)
def test_bad_person_details_are_refused(admin_client, organisation, employee, data, message):
    group = ActorGroup.objects.get(organisation=organisation, key="employee")
    before = Membership.objects.count()

    response = admin_client.post(
        url("person_create", organisation), {"actor_group": group.pk, "role": "participant", **data}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Membership.objects.count() == before


def test_removing_a_person_asks_first(admin_client, organisation, employee):
    membership = employee.memberships.get()

    confirm = admin_client.get(url("person_remove", organisation, membership=membership.public_id))
    assert confirm.status_code == 200
    assert Membership.objects.filter(pk=membership.pk).exists()

    admin_client.post(url("person_remove", organisation, membership=membership.public_id))

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert employee.__class__.objects.filter(pk=employee.pk).exists()


def test_the_last_administrator_cannot_remove_themselves(admin_client, organisation, org_admin):
    membership = org_admin.memberships.get()

    response = admin_client.post(url("person_remove", organisation, membership=membership.public_id))

    assert "minst en administratör" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_people_are_paginated_and_searchable(admin_client, organisation, make_member):
    for number in range(30):
        make_member(organisation, name=f"Testperson {number:02d}")

    first = admin_client.get(url("people_list", organisation)).content.decode()
    second = admin_client.get(url("people_list", organisation) + "?page=2").content.decode()
    found = admin_client.get(
        url("people_list", organisation) + "?q=Testperson 07",
        headers={"HX-Request": "true", "HX-Target": "people-results"},
    ).content.decode()

    assert "Sida 1 av 2" in first
    assert "Sida 2 av 2" in second
    assert "Testperson 07" in found
    assert "Testperson 08" not in found
    assert "<html" not in found


def test_a_nonsense_page_number_shows_a_page(admin_client, organisation):
    response = admin_client.get(url("people_list", organisation) + "?page=abc")

    assert response.status_code == 200


def test_people_list_stays_within_a_few_queries(admin_client, organisation, make_member, django_assert_max_num_queries):
    for _number in range(25):
        make_member(organisation)

    with django_assert_max_num_queries(12):
        admin_client.get(url("people_list", organisation))


def test_a_level_in_use_cannot_be_removed(admin_client, organisation, employee):
    level = employee.memberships.get().level

    response = admin_client.post(url("level_delete", organisation, level=level.public_id))

    assert response.status_code == 409
    assert Level.objects.filter(pk=level.pk).exists()


def test_an_unused_actor_group_is_removed_after_confirmation(admin_client, organisation):
    group = ActorGroup.objects.get(organisation=organisation, key="partner")

    admin_client.post(url("actor_group_delete", organisation, actor_group=group.public_id))

    assert not ActorGroup.objects.filter(pk=group.pk).exists()


def test_actor_groups_can_be_renamed_but_not_to_a_taken_name(admin_client, organisation):
    group = ActorGroup.objects.get(organisation=organisation, key="partner")

    taken = admin_client.post(
        url("actor_group_edit", organisation, actor_group=group.public_id),
        {"name": "brukare", "key": "partner", "position": 3},
    )
    renamed = admin_client.post(
        url("actor_group_edit", organisation, actor_group=group.public_id),
        {"name": "Civilsamhället", "key": "partner", "position": 3},
    )

    assert "Det finns redan en aktörsgrupp som heter brukare." in taken.content.decode()
    assert renamed.status_code == 302
    group.refresh_from_db()
    assert group.name == "Civilsamhället"


def test_a_new_level_needs_a_sensible_order(admin_client, organisation):
    response = admin_client.post(url("level_list", organisation), {"name": "Stadsdel", "rank": "-1"})

    assert response.status_code == 200
    assert not Level.objects.filter(name="Stadsdel").exists()


def test_the_anonymity_threshold_cannot_be_set_below_three(admin_client, organisation):
    response = admin_client.post(url("settings", organisation), {"name": "Norrby kommun", "anonymity_threshold": 2})

    assert "Gränsen kan aldrig vara lägre än 3." in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).anonymity_threshold == 5


def test_start_page_reads_the_membership_once(client, employee, organisation, django_assert_max_num_queries):
    client.force_login(employee)
    client.get(url("start", organisation))

    # session, user, organisation, the memberships (the door's and the switcher's), the member's unit and level,
    # overview counts, and the start page's "Ongoing work" with nothing going on: one query each for workshops and
    # dialogues, two for the barometer, one for the steering signals' rating campaigns
    with django_assert_max_num_queries(11):
        client.get(url("start", organisation))


def test_renaming_to_a_siblings_name_is_refused_on_the_name_field(admin_client, organisation, home_unit):
    sibling = Unit.objects.create(organisation=organisation, parent=home_unit.parent, name="Hemtjänst Söder")

    response = admin_client.post(
        url("unit_edit", organisation, unit=sibling.public_id), {"name": "Hemtjänst Norr", "kind": "section"}
    )

    assert 'id="id_name_error"' in response.content.decode()
    sibling.refresh_from_db()
    assert sibling.name == "Hemtjänst Söder"
    assert not sibling.events.filter(kind=UnitEvent.Kind.RENAMED).exists()


def test_moving_next_to_a_unit_with_the_same_name_is_refused(admin_client, organisation, home_unit):
    elsewhere = Unit.objects.create(organisation=organisation, parent=None, name="Äldreomsorg")
    namesake = Unit.objects.create(organisation=organisation, parent=elsewhere, name="Hemtjänst Norr")

    response = admin_client.post(
        url("unit_move", organisation, unit=namesake.public_id), {"parent": home_unit.parent_id}
    )

    assert "Det finns redan en öppen enhet med det här namnet" in response.content.decode()
    namesake.refresh_from_db()
    assert namesake.parent == elsewhere
    assert not namesake.events.filter(kind=UnitEvent.Kind.MOVED).exists()


@pytest.fixture
def broken_mail_server(settings):
    # Port 9 (discard) on loopback: nothing listens, so the SMTP connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, False, 2


def test_a_person_is_added_even_when_the_mail_server_is_down(admin_client, organisation, broken_mail_server):
    group = ActorGroup.objects.get(organisation=organisation, key="employee")

    response = admin_client.post(
        url("person_create", organisation),
        {
            "full_name": "Lena Lindgren",
            "email": "lena@norrby.example",
            "actor_group": group.pk,
            "role": "participant",
            "send_invitation": "on",
        },
        follow=True,
    )

    membership = Membership.objects.get(user__email="lena@norrby.example")
    assert membership.invited_at is None
    assert "E-postservern tog inte emot inbjudningarna" in response.content.decode()


def test_a_level_that_gained_a_member_meanwhile_is_not_removed(admin_client, organisation, make_member):
    level = Level.objects.get(organisation=organisation, rank=3)
    admin_client.get(url("level_delete", organisation, level=level.public_id))
    make_member(organisation, rank=3)

    response = admin_client.post(url("level_delete", organisation, level=level.public_id))

    assert response.status_code == 409
    assert Level.objects.filter(pk=level.pk).exists()


def test_a_nul_byte_in_the_search_is_ignored(admin_client, organisation):
    response = admin_client.get(url("people_list", organisation) + "?q=Alva%00")

    assert response.status_code == 200
    assert "Alva Administratör" in response.content.decode()


def test_editing_someone_in_a_closed_unit_keeps_them_there(admin_client, organisation, employee, home_unit):
    from tillit.organisations import actions

    actions.close_unit(unit=home_unit, actor=None)
    membership = employee.memberships.get()
    page = admin_client.get(url("person_edit", organisation, membership=membership.public_id)).content.decode()

    admin_client.post(
        url("person_edit", organisation, membership=membership.public_id),
        {
            "unit": home_unit.pk,
            "actor_group": membership.actor_group_id,
            "level": membership.level_id,
            "role": "facilitator",
        },
    )

    assert f'<option value="{home_unit.pk}" selected>Hemtjänst Norr (stängd)</option>' in page
    membership.refresh_from_db()
    assert membership.unit == home_unit
    assert membership.role == "facilitator"


def test_nobody_new_can_be_put_in_a_closed_unit(admin_client, organisation, manager, employee, home_unit):
    from tillit.organisations import actions

    actions.close_unit(unit=home_unit, actor=None)
    membership = manager.memberships.get()
    membership.unit = None
    membership.save()

    response = admin_client.post(
        url("person_edit", organisation, membership=membership.public_id),
        {
            "unit": home_unit.pk,
            "actor_group": membership.actor_group_id,
            "level": "",
            "role": "participant",
        },
    )

    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.unit is None


def test_a_unit_name_cannot_contain_the_path_separator(admin_client, organisation):
    response = admin_client.post(
        url("unit_create", organisation),
        {"name": "Socialförvaltningen / Hemtjänst Norr", "kind": "section", "parent": ""},
    )

    assert "kan inte innehålla /" in response.content.decode()
    assert not Unit.objects.filter(name__contains="/").exists()


def test_an_administrator_who_steps_down_lands_on_the_start_page(admin_client, organisation, org_admin, make_member):
    make_member(organisation, role=Membership.Role.ADMIN)
    own = org_admin.memberships.get()

    response = admin_client.post(
        url("person_edit", organisation, membership=own.public_id),
        {"actor_group": own.actor_group_id, "level": own.level_id, "role": "participant"},
    )

    assert response["Location"] == url("start", organisation)


def test_numbers_above_their_limit_are_refused(admin_client, organisation):
    level = admin_client.post(url("level_list", organisation), {"name": "Stadsdel", "rank": "100"})
    threshold = admin_client.post(url("settings", organisation), {"name": "Norrby kommun", "anonymity_threshold": 1000})

    assert level.status_code == 200
    assert not Level.objects.filter(name="Stadsdel").exists()
    assert "mindre än eller lika med 100" in threshold.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).anonymity_threshold == 5


def test_a_platform_superuser_has_only_their_role_in_an_organisation(client, employee, organisation):
    employee.is_superuser = True
    employee.save()
    client.force_login(employee)

    assert client.get(url("settings", organisation)).status_code == 403


def test_moving_a_unit_to_where_it_is_records_nothing(admin_client, organisation, home_unit):
    admin_client.post(url("unit_move", organisation, unit=home_unit.public_id), {"parent": home_unit.parent_id})

    assert not home_unit.events.filter(kind=UnitEvent.Kind.MOVED).exists()


def test_sign_ins_in_other_organisations_are_not_shown(admin_client, organisation, outsider, make_member):
    from django.utils import timezone

    outsider.last_login = timezone.now()
    outsider.save()
    join(make_member, organisation, outsider)

    body = admin_client.get(url("people_list", organisation) + "?q=olle").content.decode()

    assert "Inte inbjuden" in body
