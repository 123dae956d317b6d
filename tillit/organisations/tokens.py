"""The signed token in the link that answers an invitation to join (a pending membership).

Built like Django's password-reset token (an HMAC of the row's state and a timestamp, checked
in constant time, valid for PASSWORD_RESET_TIMEOUT), but over the pending membership: its
public id, the account it is for and when the link was last sent. A link therefore stops
working when it expires, when a newer one is sent, and once it has been used (accepting or
declining deletes the row), or when the invitation is withdrawn.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from tillit.organisations.models import PendingMembership


class PendingMembershipTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "tillit.organisations.tokens.PendingMembershipTokenGenerator"

    def _make_hash_value(self, user: PendingMembership, timestamp: int) -> str:  # type: ignore[override]  # signs a PendingMembership, not a user
        pending = user  # Django's name for the signed object
        sent = "" if pending.invited_at is None else str(int(pending.invited_at.timestamp() * 1_000_000))
        return f"{pending.public_id}{pending.user_id}{pending.organisation_id}{sent}{timestamp}"

    # Django's generator signs a User; this one signs a pending membership, which it only hands to _make_hash_value.
    def make_token(self, user: PendingMembership) -> str:  # type: ignore[override]  # a PendingMembership, not a User
        return super().make_token(user)  # type: ignore[arg-type]  # read only by _make_hash_value above

    def check_token(self, user: PendingMembership | None, token: str | None) -> bool:  # type: ignore[override]  # as make_token
        return super().check_token(user, token)  # type: ignore[arg-type]  # as make_token


pending_membership_token = PendingMembershipTokenGenerator()
