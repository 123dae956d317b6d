"""Every read of Brukarrösten."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core import similarity
from tillit.core.collation import SwedishCollate
from tillit.organisations.models import Membership, Organisation, Unit
from tillit.organisations.ongoing import Ongoing
from tillit.voice import reporting
from tillit.voice.models import ContactRequest, ServicePage, Suggestion, VoiceSettings

__all__ = [
    "PROPOSALS_PER_PAGE",
    "Proposal",
    "answer_days",
    "contact_of",
    "has_service_pages",
    "merged_into_it",
    "ongoing_for",
    "page_by_code",
    "pages_of",
    "proposals_for",
    "proposed_pairs",
    "public_address",
    "published_on",
    "received_by_unit_and_status",
    "received_per_month",
    "retention_months",
    "suggestions_of",
    "suggestions_to_export",
    "suggestions_to_review",
    "units_with_page",
    "units_without_page",
    "voices_behind",
    "voices_of_units",
]


# What a public page (and a workshop, which shows no more) may show of a suggestion: published, its texts kept.
_SHOWN_PUBLICLY = Q(review=Suggestion.Review.PUBLISHED, text_removed_on__isnull=True)


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
    return ServicePage.objects.filter(code=code).select_related("organisation", "unit").first()


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
        Suggestion.objects.filter(_SHOWN_PUBLICLY, page=page)
        .annotate(month=TruncMonth("received_on"), similar=_similar_published())
        .order_by("theme", "-month", "public_id")
    )


def retention_months(organisation: Organisation) -> int:
    """How many months the organisation keeps the texts of its suggestions."""
    found = VoiceSettings.objects.filter(organisation=organisation).values_list("retention_months", flat=True).first()
    return found or VoiceSettings.DEFAULT_RETENTION_MONTHS


def public_address(page: ServicePage, *, site_url: str) -> str:
    """The page's absolute address, as a poster prints it: `SITE_URL` and the path, as the invitations' links are."""
    return site_url + reverse("voice:suggest", kwargs={"code": page.code})


def suggestions_to_export(organisation: Organisation) -> QuerySet[Suggestion]:
    """Every suggestion of the organisation for the process leaders' export, in the review list's order (newest day
    first, random within a day), with its service, unit and the suggestion it was merged into; never the contact
    details, which are not read."""
    return suggestions_of(organisation).select_related("page__unit", "merged_into")


# The overview for leaders (views/overview.py, arranged by overview.py) ------------------------------------------

OVERVIEW_DIMENSIONS = {"theme": "theme", "channel": "channel", "status": "status", "unit": "page__unit_id"}


def units_with_page(organisation: Organisation) -> list[Unit]:
    """The organisation's units that have a service page (closed ones too: their suggestions still count), in
    Swedish alphabetical order."""
    with_page = ServicePage.objects.filter(organisation=organisation).values("unit_id")
    return list(Unit.objects.filter(organisation=organisation, pk__in=with_page).order_by(SwedishCollate("name"), "pk"))


def _received(organisation: Organisation, *, since: datetime.date | None, unit: Unit | None) -> QuerySet[Suggestion]:
    """The organisation's suggestions received from `since` (all when None), of one unit's page when given: every
    row, those merged into another and those whose texts were deleted at the end of retention included."""
    found = Suggestion.objects.filter(organisation=organisation)
    if since is not None:
        found = found.filter(received_on__gte=since)
    if unit is not None:
        found = found.filter(page__unit=unit)
    return found.order_by()


def received_per_month(
    organisation: Organisation, *, since: datetime.date | None, unit: Unit | None, dimension: str
) -> list[tuple[datetime.date, str, int]]:
    """`(month, value, count)` of the suggestions received, counted per month and value of `dimension` (theme,
    channel, status; unit: the unit's id), in one query. An unknown dimension raises KeyError."""
    field = OVERVIEW_DIMENSIONS[dimension]
    counted = (
        _received(organisation, since=since, unit=unit)
        .annotate(month=TruncMonth("received_on"))
        .values_list("month", field)
        .annotate(count=Count("pk"))
    )
    return [(month, "" if value is None else str(value), count) for month, value, count in counted]


def received_by_unit_and_status(
    organisation: Organisation, *, since: datetime.date | None, unit: Unit | None, waiting_before: datetime.date
) -> list[tuple[str, str, int, int]]:
    """`(unit id, status, count, waiting)` of the suggestions received, in one query: `waiting` counts those received
    before `waiting_before` and not answered, leaving out those merged into another (answered there) and those
    whose texts were deleted (nothing left to answer)."""
    waiting = Q(
        answered_on__isnull=True,
        merged_into__isnull=True,
        text_removed_on__isnull=True,
        received_on__lt=waiting_before,
    )
    counted = (
        _received(organisation, since=since, unit=unit)
        .values_list("page__unit_id", "status")
        .annotate(count=Count("pk"), waiting=Count("pk", filter=waiting))
    )
    return [(str(unit_id), status, count, waits) for unit_id, status, count, waits in counted]


def answer_days(
    organisation: Organisation, *, since: datetime.date | None, unit: Unit | None
) -> list[tuple[str, int, int]]:
    """`(unit id, days, count)`: the answered suggestions received, counted per unit and number of days from the
    suggestion to its answer, in one query (the rows grow with the distinct numbers of days, not the suggestions).
    Suggestions merged into another are left out: the answer is the other one's."""
    waited = ExpressionWrapper(F("answered_on") - F("received_on"), output_field=DurationField())
    counted = (
        _received(organisation, since=since, unit=unit)
        .filter(answered_on__isnull=False, merged_into__isnull=True)
        .annotate(waited=waited)
        .values_list("page__unit_id", "waited")
        .annotate(count=Count("pk"))
    )
    return [(str(unit_id), duration.days, count) for unit_id, duration, count in counted]


# Merging similar suggestions (views/merging.py) ------------------------------------------------------------------

PROPOSAL_POOL = 500  # the newest suggestions compared on a request: about a tenth of a second (docs/similarity.md)
PROPOSALS_PER_SUGGESTION = 5
PROPOSALS_PER_PAGE = 25
MERGEABLE_REVIEWS = (Suggestion.Review.PENDING, Suggestion.Review.PUBLISHED)


@dataclass(frozen=True)
class Proposal:
    """Two suggestions `core.similarity` finds alike: the one to keep (published before waiting, then the older) and
    the one to merge into it, and how alike they are (0–1)."""

    kept: Suggestion
    merged: Suggestion
    score: float


def _text(suggestion: Suggestion) -> str:
    return f"{suggestion.helps} {suggestion.hinders}".strip()


def _stemming(language: str) -> str:
    return language if language in similarity.LANGUAGES else "sv"


def _mergeable(organisation_id: int) -> QuerySet[Suggestion]:
    """What merging proposals compare: waiting or published, not merged into another, the texts still kept."""
    return Suggestion.objects.filter(
        organisation_id=organisation_id,
        review__in=MERGEABLE_REVIEWS,
        merged_into__isnull=True,
        text_removed_on__isnull=True,
    )


def proposals_for(suggestion: Suggestion) -> list[tuple[Suggestion, float]]:
    """The suggestions `core.similarity.similar_pairs` finds alike this one, with how alike: compared with the
    newest `PROPOSAL_POOL` of the organisation in its language (the same service's first), at most
    `PROPOSALS_PER_SUGGESTION`, the same service's first and then the most alike. None for a suggestion merged into
    another (it is shown under that one) or whose texts were deleted."""
    if suggestion.merged_into_id is not None or suggestion.text_removed_on is not None:
        return []
    elsewhere = Case(When(page_id=suggestion.page_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    pool = list(
        _mergeable(suggestion.organisation_id)
        .filter(language=suggestion.language)
        .exclude(pk=suggestion.pk)
        .select_related("page")
        .annotate(elsewhere=elsewhere)
        .order_by("elsewhere", "-received_on", "public_id")[:PROPOSAL_POOL]
    )
    texts = [_text(suggestion), *(_text(other) for other in pool)]
    # Every pair with this one (first, index 0), not only its three closest among all the pool's pairs.
    pairs = similarity.similar_pairs(texts, _stemming(suggestion.language), per_text=len(texts))
    found: list[tuple[Suggestion, float]] = [(pool[pair.second - 1], pair.score) for pair in pairs if pair.first == 0]
    found.sort(key=lambda entry: (getattr(entry[0], "elsewhere", 1), -entry[1]))
    return found[:PROPOSALS_PER_SUGGESTION]


def proposed_pairs(organisation: Organisation) -> list[Proposal]:
    """The pairs `core.similarity.similar_pairs` proposes among the organisation's newest `PROPOSAL_POOL` waiting or
    published suggestions not merged into another, compared within each language, most alike first."""
    pool = list(
        _mergeable(organisation.pk).select_related("page").order_by("-received_on", "public_id")[:PROPOSAL_POOL]
    )
    by_language: dict[str, list[Suggestion]] = {}
    for suggestion in pool:
        by_language.setdefault(_stemming(suggestion.language), []).append(suggestion)
    found = []
    for language, group in by_language.items():
        for pair in similarity.similar_pairs([_text(suggestion) for suggestion in group], language):
            kept, merged = sorted((group[pair.first], group[pair.second]), key=_keep_first)
            found.append(Proposal(kept, merged, pair.score))
    found.sort(key=lambda proposal: -proposal.score)
    return found


def _keep_first(suggestion: Suggestion) -> tuple[bool, datetime.date]:
    """Which of two alike suggestions to keep: a published one (it may be answered already), then the older."""
    return suggestion.review != Suggestion.Review.PUBLISHED, suggestion.received_on


def merged_into_it(suggestion: Suggestion) -> QuerySet[Suggestion]:
    """The suggestions merged into this one, newest day first (random within a day)."""
    return (
        Suggestion.objects.filter(merged_into=suggestion).select_related("page").order_by("-received_on", "public_id")
    )


def suggestions_to_review(organisation: Organisation, review: str = "") -> QuerySet[Suggestion]:
    """The review list: the organisation's suggestions not merged into another, newest day first, with how many are
    merged into each and how many of those wait for review. Filtered by review, a suggestion is listed also when one
    merged into it is in that state, so that a waiting one merged into a published one is still found."""
    found = suggestions_of(organisation).filter(merged_into__isnull=True)
    if review:
        merged_in_state = Suggestion.objects.filter(merged_into=OuterRef("pk"), review=review)
        found = found.filter(Q(review=review) | Exists(merged_in_state))
    return found.annotate(
        merged_count=_count_merged(Q()),
        merged_waiting=_count_merged(Q(review=Suggestion.Review.PENDING)),
    )


def _count_merged(condition: Q) -> Coalesce:
    counted = (
        Suggestion.objects.filter(condition, merged_into=OuterRef("pk"))
        .order_by()
        .values("merged_into")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _similar_published() -> Coalesce:
    """How many published suggestions of the same service page, their texts kept, were merged into each (the "3 said
    something similar"): one merged across services is on its own page's count of k, never on this one's."""
    return _count_merged(_SHOWN_PUBLICLY & Q(page=OuterRef("page")))


# The service users' voice in a workshop (through workshops.queries) --------------------------------------------


def _shown_publicly() -> QuerySet[Suggestion]:
    """The suggestions whose texts *ni sa – vi gjorde* shows, and so the only ones a workshop may show: published,
    their texts kept, on a service page with at least k of them (the organisation's anonymity threshold, counted as
    `reporting.you_said` counts: merged ones too)."""
    on_page = (
        Suggestion.objects.filter(_SHOWN_PUBLICLY, page=OuterRef("page"))
        .order_by()
        .values("page")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Suggestion.objects.filter(_SHOWN_PUBLICLY)
        .annotate(published_on_page=Subquery(on_page, output_field=IntegerField()), similar=_similar_published())
        .filter(published_on_page__gte=F("organisation__anonymity_threshold"))
    )


def voices_behind(item_ids: Collection[int]) -> dict[int, list[reporting.Voice]]:
    """The published suggestions linked to each of these workshop cards (their ids), as a workshop may show them,
    in one query: by theme, newest month first, and within a month in random order (the public id), as *ni sa – vi
    gjorde* orders them: the order must not tell the days."""
    if not item_ids:
        return {}
    found: dict[int, list[reporting.Voice]] = {}
    rows = (
        _shown_publicly()
        .filter(item_id__in=list(item_ids))
        .annotate(month=TruncMonth("received_on"))
        .order_by("theme", "-month", "public_id")
    )
    for suggestion in rows:
        if suggestion.item_id is not None:  # always, by the filter above
            found.setdefault(suggestion.item_id, []).append(reporting.voice(suggestion))
    return found


def has_service_pages(organisation_id: int, unit_ids: Collection[int] | None) -> bool:
    """Whether the organisation has a service page for any of these units (any unit at all when None)."""
    pages = ServicePage.objects.filter(organisation_id=organisation_id)
    if unit_ids is not None:
        pages = pages.filter(unit_id__in=list(unit_ids))
    return pages.exists()


def voices_of_units(
    organisation_id: int, unit_ids: Collection[int] | None, *, latest: int = 20
) -> list[reporting.VoicesByTheme]:
    """The `latest` published suggestions on the service pages of these units (of every unit when None), by theme,
    as a workshop may show them, in one query. One merged into another that is shown is counted under it instead."""
    rows = _shown_publicly().filter(organisation_id=organisation_id)
    if unit_ids is not None:
        rows = rows.filter(page__unit_id__in=list(unit_ids))
    kept_shown = Q(merged_into__review=Suggestion.Review.PUBLISHED, merged_into__text_removed_on__isnull=True)
    rows = rows.filter(Q(merged_into__isnull=True) | ~kept_shown)
    newest_months_first = rows.annotate(month=TruncMonth("received_on")).order_by("-month", "public_id")
    return reporting.voices_by_theme(newest_months_first[:latest])
