"""Typing for views that only a signed-in person reaches (Healthchecks' idiom)."""

from django.http import HttpRequest

from tillit.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
