import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tillit.organisations import actions
from tillit.organisations.models import ActorGroup, Membership, PendingMembership, Unit, UnitEvent

pytestmark = pytest.mark.django_db


def make_unit(organisation, name, parent=None, kind=Unit.Kind.SECTION):
    return actions.create_unit(organisation=organisation, name=name, kind=kind, parent=parent, actor=None)


def test_a_new_organisation_gets_the_nine_actor_groups_and_five_levels(organisation):
    assert set(organisation.actor_groups.values_list("key", flat=True)) == set(ActorGroup.Key.values)
    assert list(organisation.levels.values_list("rank", flat=True)) == [1, 2, 3, 4, 5]


def test_default_names_are_swedish(organisation):
    assert organisation.actor_groups.get(key="service_user").name == "Brukare"
    assert organisation.levels.get(rank=1).name == "Politisk nivå"


def test_a_unit_cannot_be_moved_under_its_own_sub_unit(organisation):
    top = make_unit(organisation, "Förvaltning A")
    middle = make_unit(organisation, "Avdelning B", top)
    bottom = make_unit(organisation, "Enhet C", middle)

    with pytest.raises(actions.TreeError):
        actions.move_unit(unit=top, new_parent=bottom, actor=None)

    top.refresh_from_db()
    assert top.parent is None


def test_a_unit_cannot_be_moved_under_itself(organisation):
    top = make_unit(organisation, "Förvaltning A")

    with pytest.raises(actions.TreeError):
        actions.move_unit(unit=top, new_parent=top, actor=None)


def test_a_unit_cannot_be_placed_in_another_organisation(organisation, other_organisation):
    foreign = Unit.objects.get(organisation=other_organisation)

    with pytest.raises(actions.TreeError):
        make_unit(organisation, "Smuggel", foreign)


def test_moving_a_unit_records_where_it_came_from(organisation, org_admin, home_unit):
    target = make_unit(organisation, "Äldreomsorg", home_unit.parent)

    actions.move_unit(unit=home_unit, new_parent=target, actor=org_admin)

    event = home_unit.events.get(kind=UnitEvent.Kind.MOVED)
    assert event.detail == "Socialförvaltningen / Hemtjänst Norr → Socialförvaltningen / Äldreomsorg / Hemtjänst Norr"
    assert event.actor == org_admin


def test_closing_a_unit_closes_its_sub_units_and_keeps_members(organisation, home_unit, employee):
    team = make_unit(organisation, "Nattpatrullen", home_unit, Unit.Kind.TEAM)

    actions.close_unit(unit=home_unit, actor=None)

    team.refresh_from_db()
    home_unit.refresh_from_db()
    assert not home_unit.is_open
    assert not team.is_open
    assert employee.memberships.get().unit == home_unit
    assert home_unit.events.filter(kind=UnitEvent.Kind.CLOSED).count() == 1


def test_a_unit_cannot_be_reopened_under_a_closed_parent(organisation, home_unit):
    actions.close_unit(unit=home_unit.parent, actor=None)
    home_unit.refresh_from_db()

    with pytest.raises(actions.TreeError):
        actions.reopen_unit(unit=home_unit, actor=None)


def test_reopening_fails_clearly_when_the_name_was_taken_meanwhile(organisation, home_unit):
    actions.close_unit(unit=home_unit, actor=None)
    make_unit(organisation, "Hemtjänst Norr", home_unit.parent)
    home_unit.refresh_from_db()

    with pytest.raises(actions.TreeError, match="Hemtjänst Norr"):
        actions.reopen_unit(unit=home_unit, actor=None)


def test_renaming_keeps_the_old_name_in_the_history(home_unit):
    actions.update_unit(unit=home_unit, name="Hemtjänst Nord", kind=Unit.Kind.SECTION, actor=None)

    assert home_unit.events.get(kind=UnitEvent.Kind.RENAMED).detail == "Hemtjänst Norr → Hemtjänst Nord"


def test_adding_a_person_with_an_account_elsewhere_invites_them_instead(organisation, other_organisation, outsider):
    details = actions.PersonDetails(
        full_name="Olle",
        email="OLLE@soderby.example",
        unit=None,
        actor_group=organisation.actor_groups.get(key="partner"),
        level=None,
        role=Membership.Role.PARTICIPANT,
    )

    pending = actions.add_person(organisation=organisation, details=details)

    assert isinstance(pending, PendingMembership)
    assert pending.user == outsider
    assert (pending.full_name, pending.email) == ("Olle", "olle@soderby.example")
    assert outsider.memberships.count() == 1
    outsider.refresh_from_db()
    assert outsider.full_name == "Olle Utomstående"


def test_the_operator_adds_a_known_person_directly_reusing_their_account(organisation, other_organisation, outsider):
    details = actions.PersonDetails(
        full_name="Olle",
        email="OLLE@soderby.example",
        unit=None,
        actor_group=organisation.actor_groups.get(key="partner"),
        level=None,
        role=Membership.Role.PARTICIPANT,
    )

    membership = actions.add_person(organisation=organisation, details=details, by_operator=True)

    assert membership.user == outsider
    assert outsider.memberships.count() == 2


def test_a_person_cannot_be_added_twice(organisation, employee):
    details = actions.PersonDetails(
        full_name="Erik",
        email=employee.email,
        unit=None,
        actor_group=organisation.actor_groups.first(),
        level=None,
        role=Membership.Role.PARTICIPANT,
    )

    with pytest.raises(actions.AlreadyMember):
        actions.add_person(organisation=organisation, details=details)


def test_a_person_cannot_get_another_organisations_actor_group(organisation, other_organisation):
    details = actions.PersonDetails(
        full_name="Kim",
        email="kim@norrby.example",
        unit=None,
        actor_group=other_organisation.actor_groups.first(),
        level=None,
        role=Membership.Role.PARTICIPANT,
    )

    with pytest.raises(ValidationError):
        actions.add_person(organisation=organisation, details=details)
    assert not Membership.objects.filter(user__email="kim@norrby.example").exists()


def test_the_last_administrator_cannot_be_demoted_or_removed(org_admin):
    membership = org_admin.memberships.get()

    with pytest.raises(ValidationError):
        actions.update_membership(
            membership=membership,
            unit=None,
            actor_group=membership.actor_group,
            level=None,
            role=Membership.Role.PARTICIPANT,
        )
    with pytest.raises(ValidationError):
        actions.remove_membership(membership=membership)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN


def test_an_administrator_can_step_down_when_another_remains(organisation, org_admin, make_member):
    make_member(organisation, role=Membership.Role.ADMIN)
    membership = org_admin.memberships.get()

    actions.update_membership(
        membership=membership,
        unit=None,
        actor_group=membership.actor_group,
        level=None,
        role=Membership.Role.FACILITATOR,
    )

    membership.refresh_from_db()
    assert membership.role == Membership.Role.FACILITATOR


def test_an_invitation_to_a_new_person_carries_a_link_to_choose_a_password(organisation, org_admin):
    membership = actions.add_person(
        organisation=organisation,
        details=actions.PersonDetails(
            full_name="Nora Ny",
            email="nora@norrby.example",
            unit=None,
            actor_group=organisation.actor_groups.first(),
            level=None,
            role=Membership.Role.PARTICIPANT,
        ),
    )

    actions.send_invitation(membership=membership, invited_by=org_admin, site_url="https://tillit.example")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora@norrby.example"]
    assert "Norrby kommun" in mail.outbox[0].subject
    assert "https://tillit.example/accounts/invitation/" in mail.outbox[0].body
    membership.refresh_from_db()
    assert membership.invited_at is not None


def test_an_invitation_to_someone_with_a_password_points_to_sign_in(
    organisation, other_organisation, outsider, org_admin
):
    membership = actions.add_person(
        organisation=organisation,
        details=actions.PersonDetails(
            full_name="Olle",
            email=outsider.email,
            unit=None,
            actor_group=organisation.actor_groups.first(),
            level=None,
            role=Membership.Role.PARTICIPANT,
        ),
        by_operator=True,
    )

    actions.send_invitation(membership=membership, invited_by=org_admin, site_url="https://tillit.example")

    assert "https://tillit.example/accounts/login/" in mail.outbox[0].body
    assert "/accounts/invitation/" not in mail.outbox[0].body


def test_a_sibling_name_differing_only_in_case_is_refused_on_both_databases(organisation, home_unit):
    with pytest.raises(actions.NameTaken):
        make_unit(organisation, "HEMTJÄNST NORR", home_unit.parent)


# Settings, levels and actor groups ---------------------------------------------------------------------------


def test_the_settings_change_renames_and_sets_the_threshold(organisation):
    from tillit.organisations.models import Organisation

    actions.change_settings(organisation=organisation, name="Norrby stad", anonymity_threshold=7)

    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.name, stored.anonymity_threshold) == ("Norrby stad", 7)
    assert (organisation.name, organisation.anonymity_threshold) == ("Norrby stad", 7)


def test_the_threshold_is_never_set_below_three(organisation):
    from tillit.organisations.models import Organisation

    with pytest.raises(ValidationError, match="aldrig vara lägre än 3"):
        actions.change_settings(organisation=organisation, name="Norrby kommun", anonymity_threshold=2)

    assert Organisation.objects.get(pk=organisation.pk).anonymity_threshold == 5


def test_levels_are_added_and_changed(organisation):
    from tillit.organisations.models import Level

    level = actions.add_level(organisation=organisation, name="Stadsdel", rank=6, description="Nära brukarna")
    actions.change_level(level=level, name="Stadsdelsnivå", rank=7, description="")

    stored = Level.objects.get(pk=level.pk)
    assert (stored.organisation, stored.name, stored.rank, stored.description) == (organisation, "Stadsdelsnivå", 7, "")


def test_a_level_name_taken_meanwhile_is_refused_clearly(organisation):
    from tillit.organisations.models import Level

    taken = Level.objects.filter(organisation=organisation).first().name
    before = Level.objects.count()

    with pytest.raises(actions.NameInUse, match="Det finns redan en nivå som heter"):
        actions.add_level(organisation=organisation, name=taken, rank=9, description="")

    assert Level.objects.count() == before


def test_actor_groups_are_added_and_changed(organisation):
    group = actions.add_actor_group(
        organisation=organisation, name="Civilsamhället", key="", description="", position=9
    )
    actions.change_actor_group(group=group, name="Föreningar", key="", description="Ideella", position=10)

    stored = ActorGroup.objects.get(pk=group.pk)
    assert (stored.organisation, stored.name, stored.description, stored.position) == (
        organisation,
        "Föreningar",
        "Ideella",
        10,
    )


@pytest.mark.parametrize(
    ("name", "key", "message"),
    [
        pytest.param("Politiker", "", "Det finns redan en aktörsgrupp som heter", id="name"),
        pytest.param("Förtroendevalda", ActorGroup.Key.POLITICIAN, "har redan den här typen", id="kind"),
    ],
)
def test_an_actor_group_name_or_kind_taken_meanwhile_is_refused_clearly(organisation, name, key, message):
    before = ActorGroup.objects.count()

    with pytest.raises(actions.NameInUse, match=message):
        actions.add_actor_group(organisation=organisation, name=name, key=key, description="", position=0)

    assert ActorGroup.objects.count() == before
