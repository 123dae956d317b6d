"""Set-up shared by the tests of several apps."""

from __future__ import annotations

from collections.abc import Callable

from tillit.accounts.models import User
from tillit.organisations import actions
from tillit.organisations.models import Membership, Organisation, PendingMembership


def join(make_member: Callable[..., object], organisation: Organisation, user: User, **kwargs: object) -> Membership:
    """Add an existing account to another organisation as the product does: invited, then accepted by the person."""
    pending = make_member(organisation, email=user.email, **kwargs)
    assert isinstance(pending, PendingMembership)
    return actions.accept_pending_membership(pending=pending, user=user)
