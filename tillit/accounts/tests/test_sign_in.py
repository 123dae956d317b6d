import re

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD
from tillit.organisations.tests.helpers import join

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_a_member_signs_in_with_e_mail_and_password_and_lands_in_their_organisation(client, employee):
    response = sign_in(client, "ERIK@norrby.example")

    assert response.status_code == 302
    start = client.get(response["Location"], follow=True)
    assert start.request["PATH_INFO"] == "/o/norrby/"


def test_a_wrong_password_gets_a_clear_message(client, employee):
    response = sign_in(client, employee.email, "fel-lösenord")

    assert response.status_code == 200
    assert "E-postadressen eller lösenordet är fel." in response.content.decode()


def test_repeated_failures_lock_the_account_for_a_while(client, employee):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, employee.email, "fel-lösenord")

    locked = sign_in(client, employee.email)

    assert locked.status_code == 429
    assert "För många misslyckade inloggningsförsök" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lock_on_one_account_does_not_lock_another(client, employee, manager):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, employee.email, "fel-lösenord")

    assert sign_in(client, manager.email).status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(client, employee):
    client.force_login(employee)

    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))

    assert client.get(reverse("organisations:start", kwargs={"organisation": "norrby"})).status_code == 302


def test_sessions_expire_after_a_working_day_and_with_the_browser(client, employee):
    sign_in(client, employee.email)

    assert client.session.get_expire_at_browser_close() is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_a_person_in_two_organisations_chooses_and_switches(client, employee, other_organisation, make_member):
    join(make_member, other_organisation, employee)
    client.force_login(employee)

    choose = client.get(reverse("home"), follow=True)
    client.get(reverse("organisations:start", kwargs={"organisation": "soderby"}))
    back_home = client.get(reverse("home"))

    assert choose.request["PATH_INFO"] == "/o/"
    assert "Söderby kommun" in choose.content.decode()
    assert back_home["Location"] == "/o/soderby/"


def test_the_header_offers_switching_only_to_own_organisations(client, employee, other_organisation, make_member):
    join(make_member, other_organisation, employee)
    client.force_login(employee)

    body = client.get(reverse("organisations:start", kwargs={"organisation": "norrby"})).content.decode()

    assert "Byt organisation" in body
    assert 'href="/o/soderby/"' in body


def password_link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/(?:password/reset|invitation)/\S+)", body).group(1)


def test_password_reset_by_e_mail(client, employee, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": employee.email})
    link = password_link(mailoutbox[0].body)

    form = client.get(link, follow=True)
    client.post(
        form.request["PATH_INFO"], {"new_password1": "ett-nytt-långt-lösen", "new_password2": "ett-nytt-långt-lösen"}
    )

    assert sign_in(client, employee.email, "ett-nytt-långt-lösen").status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "ingen@norrby.example"})

    assert response.status_code == 302
    assert mailoutbox == []


def test_an_invited_person_chooses_a_password_and_signs_in(client, organisation, org_admin, mailoutbox):
    from tillit.organisations import actions

    membership = actions.add_person(
        organisation=organisation,
        details=actions.PersonDetails(
            full_name="Nora Ny",
            email="nora@norrby.example",
            unit=None,
            actor_group=organisation.actor_groups.first(),
            level=None,
            role="participant",
        ),
    )
    actions.send_invitation(membership=membership, invited_by=org_admin, site_url="http://testserver")
    link = password_link(mailoutbox[0].body)

    form = client.get(link, follow=True)
    client.post(
        form.request["PATH_INFO"], {"new_password1": "nora-väljer-själv-1", "new_password2": "nora-väljer-själv-1"}
    )

    assert sign_in(client, "nora@norrby.example", "nora-väljer-själv-1").status_code == 302
    reused = client.get(link, follow=True)
    assert "Länken fungerar inte längre" in reused.content.decode()


def test_a_weak_new_password_is_refused(client, employee, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": employee.email})
    form = client.get(password_link(mailoutbox[0].body), follow=True)

    response = client.post(form.request["PATH_INFO"], {"new_password1": "12345", "new_password2": "12345"})

    assert response.status_code == 200
    assert "för kort" in response.content.decode()


def test_people_edit_their_own_name(client, employee):
    client.force_login(employee)

    client.post(reverse("accounts:profile"), {"full_name": "  Erik   Eriksson "})

    employee.refresh_from_db()
    assert employee.full_name == "Erik Eriksson"


def test_an_empty_name_is_refused(client, employee):
    client.force_login(employee)

    response = client.post(reverse("accounts:profile"), {"full_name": "   "})

    assert response.status_code == 200
    employee.refresh_from_db()
    assert employee.full_name == "Erik Undersköterska"


def test_a_deactivated_person_cannot_sign_in(client, employee):
    employee.is_active = False
    employee.save()

    assert sign_in(client, employee.email).status_code == 200


def test_pages_outside_the_organisation_still_show_where_you_act(client, employee, organisation):
    client.force_login(employee)
    client.get(reverse("organisations:start", kwargs={"organisation": "norrby"}))

    profile = client.get(reverse("accounts:profile")).content.decode()
    not_found = client.get("/finns-inte/").content.decode()

    assert "Norrby kommun" in profile.split("</header>")[0]
    assert "Norrby kommun" in not_found.split("</header>")[0]


def test_changing_the_case_of_the_address_does_not_earn_more_attempts(client, employee):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, employee.email, "fel-lösenord")

    locked = sign_in(client, employee.email.upper())

    assert locked.status_code == 429


def test_a_look_alike_address_gets_no_reset_link(client, employee, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "erık@norrby.example"})  # dotless ı

    assert mailoutbox == []


def test_control_and_direction_characters_are_removed_from_names(client, employee):
    client.force_login(employee)

    client.post(reverse("accounts:profile"), {"full_name": "Erik\u202e nilsson\x01"})

    employee.refresh_from_db()
    assert employee.full_name == "Erik nilsson"
