from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tillit.accounts.addresses import canonical_email
from tillit.accounts.models import User
from tillit.core.text import normalise_text


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or password is wrong. Check both and try again."),
        "inactive": _("This account is not active."),
    }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_full_name(self) -> str:
        name = normalise_text(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also reaches invited people who never chose a password."""

    def get_users(self, email: str) -> Iterator[User]:
        # The same canonical comparison as sign-in; the link goes to the account's own stored
        # address, never to the spelling typed here.
        return User.objects.filter(canonical_email=canonical_email(email), is_active=True).iterator()


def is_password_of(request: HttpRequest, user: User, password: str) -> bool:
    """Whether `password` is the user's, asked through `authenticate` so that a wrong one counts towards the sign-in
    lockout like a failed sign-in (django-axes)."""
    return authenticate(request, username=user.email, password=password) == user


class ConfirmPasswordForm(forms.Form):
    """The signed-in person's password, asked again before their data is downloaded or erased: a session left open on
    a shared computer must not be enough. Checked through `authenticate`, so failures count towards the sign-in
    lockout like failed sign-ins (django-axes)."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request: HttpRequest, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not is_password_of(self.request, self.user, password):
            raise forms.ValidationError(_("The password is wrong."))
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the old password checked through `authenticate`, so that guesses at an open session count
    towards the sign-in lockout like failed sign-ins (django-axes)."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not is_password_of(self.request, self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
