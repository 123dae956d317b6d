from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as sign_out
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.accounts import actions
from tillit.accounts.forms import (
    ConfirmPasswordForm,
    EmailAuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
)
from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.core.models import DataProtectionEvent


class LoginView(auth_views.LoginView):
    def get_redirect_url(self) -> str:
        """Ignore a `next` that points back at the sign-in page, which would loop for a signed-in person."""
        url = super().get_redirect_url()
        return "" if url.split("?")[0] == self.request.path else url


login = LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=EmailAuthenticationForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    form_class=PasswordResetForm,
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_set.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
    extra_context={"title": gettext_lazy("Choose a new password")},
)
# An invitation is a first password reset: the same signed, single-use token.
accept_invitation = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_set.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
    reset_url_token="set-password",  # noqa: S106 - a URL segment, not a secret
    extra_context={"title": gettext_lazy("Welcome to Tillit! Choose your password")},
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


password_change = PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:profile"),
)


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """What django-axes shows after too many failed sign-ins (status 429)."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your name is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def download_my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything Tillit holds that names the signed-in person, as a JSON file, once they have given their password
    again (the download is recorded)."""
    form = ConfirmPasswordForm(request, request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        exported = actions.export_personal_data(request.user, channel=DataProtectionEvent.Channel.SELF_SERVICE)
        response = JsonResponse(exported, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="tillit-mina-uppgifter.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/download_my_data.html", {"form": form})


@login_required
def erase_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Say what erasing the account removes and what stays, ask for the password, then erase and sign out."""
    form = ConfirmPasswordForm(request, request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.erase_person(request.user, channel=DataProtectionEvent.Channel.SELF_SERVICE)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            sign_out(request)
            return render(request, "accounts/erased.html")
    return render(request, "accounts/erase.html", {"form": form})
