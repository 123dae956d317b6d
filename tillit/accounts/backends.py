"""Sign-in backends.

Password sign-in by e-mail address is the only one today. An OIDC or SAML
backend (Swedish federations) is added as another entry in
AUTHENTICATION_BACKENDS; it must map the federated identity to a User by
e-mail address, as this one does, so memberships keep working.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tillit.accounts.models import User


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            # Hash anyway so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failures under: the e-mail address in lower case, since
    sign-in ignores case and otherwise every case variant would get its own five attempts."""
    source = credentials if credentials and "username" in credentials else request.POST
    return str(source.get("username") or "").strip().lower()
