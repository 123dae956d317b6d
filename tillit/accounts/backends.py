"""Sign-in backends.

Password sign-in by e-mail address is the only one today. An OIDC or SAML
backend (Swedish federations) is added as another entry in
AUTHENTICATION_BACKENDS; it must map the federated identity to a User by
canonical e-mail address, as this one does, so memberships keep working.
"""

import hashlib
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tillit.accounts.addresses import canonical_email
from tillit.accounts.models import User

# django-axes keeps the name it counts under in a 255-character column.
LOCKOUT_KEY_LENGTH = 255


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        address = canonical_email(username or kwargs.get("email") or "")
        if not address or password is None:
            return None
        # An exact match on the stored canonical form: the same comparison as the lockout's
        # counter (lockout_username), whatever the database's own case folding would say.
        user = User.objects.filter(canonical_email=address).first()
        if user is None:
            # Hash anyway so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failures under: the canonical form of the address, the same
    form sign-in looks the account up by, so that every spelling that signs in to an account
    shares that account's counter (and a spelling with a counter of its own signs in to nothing).

    A form longer than axes' column is counted under its SHA-256 instead, still one per form.
    """
    source = credentials if credentials and "username" in credentials else request.POST
    return lockout_key(str(source.get("username") or ""))


def lockout_key(address: str) -> str:
    """The name an address's failed sign-ins are counted under (see `lockout_username`)."""
    key = canonical_email(address)
    if len(key) > LOCKOUT_KEY_LENGTH:
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key
