"""The rules the database itself holds, whatever code writes to it (run on SQLite and PostgreSQL)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tillit.accounts.models import User
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit

pytestmark = pytest.mark.django_db


def violates(operation) -> bool:
    try:
        with transaction.atomic():
            operation()
    except IntegrityError:
        return True
    return False


def test_a_person_has_one_membership_per_organisation(organisation, employee):
    existing = employee.memberships.get()

    assert violates(
        lambda: Membership.objects.create(
            organisation=organisation, user=employee, actor_group=existing.actor_group, role="participant"
        )
    )


def test_the_same_person_may_belong_to_two_organisations(other_organisation, employee):
    group = other_organisation.actor_groups.first()

    Membership.objects.create(organisation=other_organisation, user=employee, actor_group=group)

    assert employee.memberships.count() == 2


def test_membership_role_must_be_known(organisation, employee):
    assert violates(lambda: Membership.objects.filter(user=employee).update(role="superhero"))


def test_a_unit_cannot_be_its_own_parent(home_unit):
    assert violates(lambda: Unit.objects.filter(pk=home_unit.pk).update(parent=home_unit))


def test_open_siblings_cannot_share_a_name(organisation, home_unit):
    assert violates(
        lambda: Unit.objects.create(organisation=organisation, parent=home_unit.parent, name="Hemtjänst Norr")
    )


def test_open_top_units_cannot_share_a_name(organisation):
    assert violates(lambda: Unit.objects.create(organisation=organisation, parent=None, name="Socialförvaltningen"))


def test_a_closed_unit_frees_its_name(organisation, home_unit):
    Unit.objects.filter(pk=home_unit.pk).update(closed_at="2026-01-01T00:00:00Z")

    assert not violates(
        lambda: Unit.objects.create(organisation=organisation, parent=home_unit.parent, name="Hemtjänst Norr")
    )


def test_a_unit_with_sub_units_cannot_be_deleted_from_under_them(organisation, home_unit):
    with pytest.raises(ProtectedError):
        home_unit.parent.delete()


def test_a_unit_with_members_cannot_be_deleted(employee, home_unit):
    with pytest.raises(ProtectedError):
        home_unit.delete()


def test_anonymity_threshold_is_never_below_three(organisation):
    assert violates(lambda: Organisation.objects.filter(pk=organisation.pk).update(anonymity_threshold=2))


def test_level_names_are_unique_in_an_organisation(organisation):
    taken = organisation.levels.get(rank=1).name

    assert violates(lambda: Level.objects.create(organisation=organisation, name=taken, rank=9))


def test_each_standard_actor_group_kind_appears_once(organisation):
    assert violates(
        lambda: ActorGroup.objects.create(organisation=organisation, name="Fler politiker", key="politician")
    )


def test_custom_actor_groups_without_a_kind_may_be_many(organisation):
    ActorGroup.objects.create(organisation=organisation, name="Anhöriga", key="")
    ActorGroup.objects.create(organisation=organisation, name="Fackliga företrädare", key="")

    assert organisation.actor_groups.filter(key="").count() == 2


def test_e_mail_addresses_are_unique_whatever_their_case(employee):
    assert violates(lambda: User.objects.create(email=employee.email.upper(), full_name="Dubblett"))


def test_sibling_names_differ_by_more_than_case(organisation, home_unit):
    assert violates(
        lambda: Unit.objects.create(organisation=organisation, parent=home_unit.parent, name="hemtjänst NORR")
    )
