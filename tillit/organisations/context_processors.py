from django.http import HttpRequest

from tillit.organisations.door import memberships_of


def acting_organisation(request: HttpRequest) -> dict[str, object]:
    """The organisation the page acts in, and the others the person can switch to.

    Pages outside an organisation (profile, errors) show the one the person last acted in,
    found in the membership list the header's switcher needs anyway.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = memberships_of(user)
    organisation = getattr(request, "organisation", None)
    current = getattr(request, "membership", None)
    if organisation is None:
        remembered = request.session.get("organisation")
        current = next((m for m in memberships if m.organisation.slug == remembered), None)
        organisation = current.organisation if current else None
    return {
        "current_organisation": organisation,
        "current_membership": current,
        "my_memberships": memberships,
    }
