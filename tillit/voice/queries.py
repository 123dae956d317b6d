"""Every read of Brukarrösten."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.organisations.models import Membership, Organisation, Unit
from tillit.organisations.ongoing import Ongoing
from tillit.voice.models import ContactRequest, ServicePage, Suggestion

__all__ = [
    "contact_of",
    "ongoing_for",
    "page_by_code",
    "pages_of",
    "published_on",
    "suggestions_of",
    "units_without_page",
]


def pages_of(organisation: Organisation) -> QuerySet[ServicePage]:
    """The organisation's service pages, with how many suggestions wait for review."""
    return (
        ServicePage.objects.filter(organisation=organisation)
        .select_related("unit")
        .annotate(
            waiting=Count("suggestions", filter=Q(suggestions__review=Suggestion.Review.PENDING)),
            received=Count("suggestions"),
        )
        .order_by("name")
    )


def units_without_page(organisation: Organisation) -> QuerySet[Unit]:
    taken = ServicePage.objects.filter(organisation=organisation).values("unit_id")
    return Unit.objects.filter(organisation=organisation, closed_at__isnull=True).exclude(pk__in=taken).order_by("name")


def page_by_code(code: str) -> ServicePage | None:
    """The page a poster's address names (codes are typed by hand: case and surrounding space do not matter)."""
    code = (code or "").strip().lower()
    if not code.isalnum() or len(code) > 16:
        return None
    return ServicePage.objects.filter(code=code).select_related("organisation").first()


def suggestions_of(organisation: Organisation, review: str = "") -> QuerySet[Suggestion]:
    """The organisation's suggestions, newest day first, those waiting for review alone when asked."""
    found = Suggestion.objects.filter(organisation=organisation).select_related("page")
    if review:
        found = found.filter(review=review)
    # Within a day in random order (the public id): the order of sending could point at who sent what.
    return found.order_by("-received_on", "public_id")


def contact_of(suggestion: Suggestion) -> ContactRequest | None:
    """How to reach the writer, if they asked for an answer that has not been given yet."""
    return ContactRequest.objects.filter(suggestion=suggestion).first()


def ongoing_for(request: HttpRequest, membership: Membership) -> list[Ongoing]:
    """For a process leader or administrator: the suggestions waiting for review, in one line (the start page's
    list, `tillit.organisations.ongoing`)."""
    if not membership.is_facilitator:
        return []
    waiting = Suggestion.objects.filter(
        organisation_id=membership.organisation_id, review=Suggestion.Review.PENDING
    ).count()
    if not waiting:
        return []
    url = reverse("voice:suggestions", kwargs={"organisation": membership.organisation.slug})
    text = ngettext("%(count)s suggestion waits for review.", "%(count)s suggestions wait for review.", waiting) % {
        "count": waiting
    }
    return [
        Ongoing(
            _("Service users' voice"), _("Suggestions from service users"), url, text, _("Review the suggestions"), True
        )
    ]


def published_on(page: ServicePage) -> QuerySet[Suggestion]:
    """The suggestions a process leader published on the service's page, by theme, newest month first, and within
    a month in random order (the public id): the page shows the month only, and its order must not tell the days."""
    return (
        Suggestion.objects.filter(page=page, review=Suggestion.Review.PUBLISHED)
        .annotate(month=TruncMonth("received_on"))
        .order_by("theme", "-month", "public_id")
    )
