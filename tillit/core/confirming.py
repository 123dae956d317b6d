"""The one page that asks before a change of state (opening, reminding, closing, removing), and the one answer when
the state does not allow the change: for every part, so that each asks and refuses the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

TEMPLATE = "components/confirm_page.html"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    cancel_url: str,
    back_label: str,
    paragraphs: Sequence[str] = (),
    button: str | None = None,
    danger: bool = False,
    subject: str = "",
    quote: str = "",
    **context: Any,
) -> HttpResponse:
    """The question `title` about `subject` (a round's or campaign's name), with what it does (`paragraphs`) and
    the `button` that posts to the same address; without a button, only the way back to `cancel_url`."""
    context.update(
        title=title,
        cancel_url=cancel_url,
        back_label=back_label,
        paragraphs=paragraphs,
        button=button,
        danger=danger,
        subject=subject,
        quote=quote,
    )
    return render(request, TEMPLATE, context)


def not_possible_now(
    request: HttpRequest, *, reason: str, cancel_url: str, back_label: str, subject: str = "", **context: Any
) -> HttpResponse:
    """A change the object's state does not allow: a message after a POST (and back to `cancel_url`), a page saying
    why after a GET."""
    if request.method == "POST":
        messages.error(request, reason)
        return redirect(cancel_url)
    return confirm_page(
        request,
        title=_("Not possible now"),
        paragraphs=[reason],
        cancel_url=cancel_url,
        back_label=back_label,
        subject=subject,
        **context,
    )
