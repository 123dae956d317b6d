"""One canonical form of an e-mail address for sign-in, its lockout, password reset and new accounts.

Tried from the outside as an attacker would: after five failures for an address, every other
spelling of it is either locked out too (it signs in to that account, so it shares the counter)
or signs in to nothing at all.
"""

import sys
import unicodedata

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import PASSWORD
from tillit.accounts.addresses import canonical_email
from tillit.accounts.backends import lockout_username
from tillit.accounts.models import User

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADDRESS = "kristina.sjoberg@norrby.example"

# Spellings that are the same address: they sign in to the account and count against its lockout.
SAME_ADDRESS = {
    "mixed case": "Kristina.SJOBERG@Norrby.Example",
    "long s ſ": "kriſtina.ſjoberg@norrby.example",
    "Kelvin sign K": "\u212aristina.sjoberg@norrby.example",
    "fullwidth domain": "kristina.sjoberg@ｎｏｒｒｂｙ.example",
    "surrounding space": "  kristina.sjoberg@norrby.example ",
}
# Spellings of another address: with the right password they still sign in to nothing.
OTHER_ADDRESS = {
    "dotless ı": "krıstina.sjoberg@norrby.example",
    "dotted capital İ": "KRİSTINA.SJOBERG@NORRBY.EXAMPLE",
    "Cyrillic е": "kristina.sjob\u0435rg@norrby.example",
}


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def kristina(organisation, make_member):
    return make_member(organisation, name="Kristina Sjöberg", email=ADDRESS).user


def lock_out(client, email=ADDRESS):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "fel-lösenord")


# The canonical form -------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", SAME_ADDRESS.values(), ids=SAME_ADDRESS.keys())
def test_spellings_of_one_address_share_its_canonical_form(spelling):
    assert canonical_email(spelling) == ADDRESS


@pytest.mark.parametrize("spelling", OTHER_ADDRESS.values(), ids=OTHER_ADDRESS.keys())
def test_other_letters_make_another_address(spelling):
    assert canonical_email(spelling) != ADDRESS


def test_compatibility_forms_and_case_fold_away():
    assert canonical_email("ＳＡＲＡ@ｅｘａｍｐｌｅ.ｓｅ") == "sara@example.se"
    assert canonical_email("ﬁa@straße.example") == "fia@strasse.example"


def test_the_canonical_form_of_every_code_point_is_already_canonical():
    unstable = []
    for code_point in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code_point)) == "Cs":
            continue
        once = canonical_email(chr(code_point))
        if canonical_email(once) != once:
            unstable.append(hex(code_point))

    assert unstable == []


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_the_canonical_form_is_a_fixed_point(text):
    once = canonical_email(text)

    assert canonical_email(once) == once


# Signing in over HTTP -----------------------------------------------------------------------


@pytest.mark.parametrize("spelling", SAME_ADDRESS.values(), ids=SAME_ADDRESS.keys())
def test_a_spelling_of_the_address_signs_in_to_the_account(client, kristina, spelling):
    response = sign_in(client, spelling)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(kristina.pk)


@pytest.mark.parametrize("spelling", SAME_ADDRESS.values(), ids=SAME_ADDRESS.keys())
def test_after_five_failures_every_spelling_of_the_address_is_locked_out_too(client, kristina, spelling):
    lock_out(client)

    response = sign_in(client, spelling)

    assert response.status_code == 429
    assert not is_signed_in(client)


@pytest.mark.parametrize("spelling", OTHER_ADDRESS.values(), ids=OTHER_ADDRESS.keys())
def test_after_five_failures_a_look_alike_of_another_address_still_signs_in_to_nothing(client, kristina, spelling):
    lock_out(client)

    response = sign_in(client, spelling)

    assert response.status_code in {200, 429}
    assert not is_signed_in(client)


@pytest.mark.parametrize("spelling", OTHER_ADDRESS.values(), ids=OTHER_ADDRESS.keys())
def test_a_look_alike_of_another_address_never_signs_in_even_with_the_right_password(client, kristina, spelling):
    response = sign_in(client, spelling)

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_failures_spread_over_spellings_add_up_on_one_counter(client, kristina):
    spellings = list(SAME_ADDRESS.values())
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, spellings[attempt % len(spellings)], "fel-lösenord")

    response = sign_in(client, ADDRESS)

    assert response.status_code == 429
    assert not is_signed_in(client)


def test_the_lockout_of_a_spelling_locks_the_plain_address(client, kristina):
    lock_out(client, SAME_ADDRESS["long s ſ"])

    assert sign_in(client, ADDRESS).status_code == 429


# The invariant, below the form --------------------------------------------------------------

VARIANTS = {
    "k": ["k", "K", "\u212a", "ｋ"],
    "s": ["s", "S", "ſ", "ｓ"],
    "i": ["i", "I", "ı", "İ", "ｉ", "\u2170"],  # ⅰ small roman numeral one
    "a": ["a", "A", "ａ", "ª"],
    "e": ["e", "E", "ｅ", "\u0435"],
}


def spellings():
    return st.lists(st.integers(min_value=0, max_value=5), min_size=len(ADDRESS), max_size=len(ADDRESS)).map(
        lambda picks: "".join(
            VARIANTS[char][pick % len(VARIANTS[char])] if char in VARIANTS else char
            for char, pick in zip(ADDRESS, picks, strict=True)
        )
    )


# The account is only read (authenticate() does not sign in), so one for all examples is right.
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spelling=spellings())
def test_a_spelling_signs_in_only_to_the_account_whose_counter_it_shares(kristina, spelling):
    request = RequestFactory().post(LOGIN, {"username": spelling})

    user = authenticate(request, username=spelling, password=PASSWORD)

    shares_counter = lockout_username(request, {"username": spelling}) == lockout_username(
        request, {"username": ADDRESS}
    )
    assert (user == kristina) == shares_counter


def test_a_too_long_canonical_form_is_counted_under_a_fixed_length_key(rf):
    address = "İ" * 200 + "@norrby.example"

    key = lockout_username(rf.post(LOGIN), {"username": address})

    assert key.startswith("sha256:")
    assert len(key) <= 255


# Password reset and new accounts ------------------------------------------------------------


def test_a_reset_asked_with_another_spelling_goes_to_the_accounts_own_address(client, kristina, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": SAME_ADDRESS["long s ſ"]})

    assert [message.to for message in mailoutbox] == [[ADDRESS]]


@pytest.mark.parametrize("spelling", OTHER_ADDRESS.values(), ids=OTHER_ADDRESS.keys())
def test_a_reset_asked_for_a_look_alike_of_another_address_sends_nothing(client, kristina, mailoutbox, spelling):
    client.post(reverse("accounts:password_reset"), {"email": spelling})

    assert mailoutbox == []


def test_two_accounts_cannot_share_a_canonical_address(kristina):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email=SAME_ADDRESS["long s ſ"], full_name="Kristina igen")

    assert User.objects.filter(full_name__startswith="Kristina").count() == 1


def test_the_canonical_address_follows_a_changed_address(kristina):
    kristina.email = "Kristina.Ny@Norrby.example"
    kristina.save(update_fields=["email"])

    kristina.refresh_from_db()
    assert kristina.canonical_email == "kristina.ny@norrby.example"
