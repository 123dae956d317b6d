"""Rating a campaign's steering signals with a personal link, and thanks.

No account is needed, and these pages are not behind the organisation's door: the link carries the right to rate
(like the barometer's answering pages). The token is in an address only once: the first visit of
`/k/<campaign>/<token>/` (from the e-mail) checks it, keeps it in a signed HttpOnly cookie scoped to `/k/<campaign>/`
(`organisations.personal_links`), and redirects to `/k/<campaign>/`, where the sheet lives and is sent. What is
stored is what `actions.rate` stores: the rater's level and actor group with the ratings, no person, unit, token,
session, address or time.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tillit.organisations import personal_links
from tillit.privacy.masking import removal_notice
from tillit.steering import actions, queries
from tillit.steering.forms.campaigns import DONT_KNOW, NO, SCALE_CHOICES, YES, RatingSheet, SheetField, sheet_fields
from tillit.steering.models import COMMENT_MAX_LENGTH, Campaign, CampaignInvitation

LINK_COOKIE = "steering_link"  # the personal link's token, after its first visit


def rate_path(campaign: Campaign) -> str:
    """The rating page's address without the token ("/k/<id>/"): the scope of the cookie that holds it."""
    return reverse("steering:rate", kwargs={"campaign": campaign.public_id})


def _salt(campaign: Campaign) -> str:
    return f"tillit.steering.link:{campaign.public_id}"


def _state(request: HttpRequest, campaign: Campaign | None, state: str, status: int) -> HttpResponse:
    """The pages that take no ratings: an invalid link, a campaign not open, already rated."""
    opens_later = campaign is not None and campaign.opens_on > timezone.localdate()
    context = {"campaign": campaign, "state": state, "opens_later": opens_later}
    return render(request, "steering/rate_state.html", context, status=status)


def _unavailable(request: HttpRequest, campaign: Campaign) -> HttpResponse | None:
    if campaign.is_upcoming:
        return _state(request, campaign, "upcoming", 200)
    if campaign.is_closed:
        return _state(request, campaign, "closed", 410)
    return None


def _sheet(
    request: HttpRequest,
    campaign: Campaign,
    fields: list[SheetField],
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "fields": fields,
        "scale": SCALE_CHOICES,
        "dont_know": DONT_KNOW,
        "yes": YES,
        "no": NO,
        "comment_limit": COMMENT_MAX_LENGTH,
        "problems": problems or [],
        "field_errors": [field for field in fields if field.error],
        "has_errors": status != 200,
        "action": rate_path(campaign),
    }
    return render(request, "steering/rate_sheet.html", context, status=status)


@never_cache
def rate_link(request: HttpRequest, campaign: UUID, token: str) -> HttpResponse:
    """The personal link from the e-mail: the token is checked, kept in a cookie on this device, and the browser is
    sent on to the rating page at an address without it (a POST with a 307, which repeats it)."""
    found = queries.campaign_named_by(campaign)
    invitation = queries.invitation_for_token(found, token) if found is not None else None
    if found is None or invitation is None:
        return _state(request, None, "invalid", 404)
    response = redirect(rate_path(found))
    if request.method == "POST":
        response.status_code = 307
    personal_links.keep_token(
        response,
        token,
        name=LINK_COOKIE,
        salt=_salt(found),
        path=rate_path(found),
        max_age=personal_links.cookie_age(found.closes_on),
    )
    return response


def _invitation(request: HttpRequest, campaign: Campaign) -> tuple[str, CampaignInvitation] | None:
    token = personal_links.token_from_cookie(request, name=LINK_COOKIE, salt=_salt(campaign))
    invitation = queries.invitation_for_token(campaign, token)
    if token is None or invitation is None:
        return None
    return token, invitation


@never_cache
def rate(request: HttpRequest, campaign: UUID) -> HttpResponse:
    """The rating sheet of a personal link, the token read from the cookie its first visit set."""
    found = queries.campaign_named_by(campaign)
    link = _invitation(request, found) if found is not None else None
    if found is None or link is None:
        return _state(request, None, "invalid", 404)
    token, invitation = link
    if invitation.answered:
        return _state(request, found, "answered", 409 if request.method == "POST" else 200)
    unavailable = _unavailable(request, found)
    if unavailable is not None:
        return unavailable
    signals = queries.signals_to_rate(found, invitation.unit_id)
    if request.method != "POST":
        return _sheet(request, found, sheet_fields(signals))
    sheet = RatingSheet(request.POST, signals=signals)
    if not sheet.is_valid():
        return _sheet(request, found, sheet.fields, problems=sheet.problems, status=422)
    try:
        removed = actions.rate(campaign=found, token=token, sheet=sheet.entries)
    except actions.AlreadyRated:
        return _state(request, found, "answered", 409)
    except ValidationError as error:
        unavailable = _unavailable(request, found)  # the campaign closed a moment ago
        if unavailable is not None:
            return unavailable
        return _sheet(request, found, sheet.fields, problems=error.messages, status=422)
    if removed:
        messages.info(request, removal_notice(removed))
    return redirect("steering:thanks", campaign=found.public_id)


def thanks(request: HttpRequest, campaign: UUID) -> HttpResponse:
    found = queries.campaign_named_by(campaign)
    if found is None:
        return _state(request, None, "invalid", 404)
    return render(request, "steering/rate_thanks.html", {"campaign": found, "organisation": found.organisation})
