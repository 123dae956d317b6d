from django.http import HttpRequest

from tillit.organisations.models import Membership


def acting_organisation(request: HttpRequest) -> dict[str, object]:
    """The organisation the page acts in, and the others the person can switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships() -> list[Membership]:
        return list(Membership.objects.for_user(user).order_by("organisation__name"))

    return {
        "current_organisation": getattr(request, "organisation", None),
        "current_membership": getattr(request, "membership", None),
        "my_memberships": memberships,
    }
