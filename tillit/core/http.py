"""Typing helpers for views."""

from django.http import HttpRequest

from tillit.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
