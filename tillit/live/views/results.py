"""A meeting afterwards (process leaders and administrators): its results, every activity's last release with the
breakdowns the publication discloses, and sending its words and questions on into a dialogue or a workshop."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.live import actions, afterwards
from tillit.live.forms_results import DIALOGUE, TIME_THIEVES, SendOnForm
from tillit.live.models import LiveSession
from tillit.live.permissions import MANAGE, SESSION
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.reports import charts


@through(SESSION, MANAGE)
def results(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """Every activity with its published results, a table beside each chart, and the downloads."""
    session = access.target
    shown = afterwards.meeting_results(session)
    blocks = [(activity, _charts(activity)) for activity in shown.activities]
    context = {"organisation": access.organisation, "session": session, "results": shown, "blocks": blocks}
    return render(request, "live/results.html", context)


def _charts(activity: afterwards.ActivityResults) -> dict[str, object]:
    """The charts of an activity's results: the whole release's bars (poll and scale: shares; rate these: the means
    on the scale) and, for a poll, its choices by each disclosed group."""
    published = activity.publication
    drawn: dict[str, object] = {"whole": published.whole.chart if published.shown else None, "groups": []}
    if published.kind == afterwards.Kind.POLL:
        drawn["groups"] = [
            (
                breakdown,
                charts.grouped_bar_chart(
                    [
                        (
                            choice.label,
                            [
                                charts.BarRow(group.label, group.figures.choices[index].share)
                                for group in breakdown.groups
                            ],
                        )
                        for index, choice in enumerate(published.whole.choices)
                    ]
                ),
            )
            for breakdown in published.breakdowns
            if breakdown.groups
        ]
    return drawn


@through(SESSION, MANAGE)
def send_on(request: OrganisationRequest, access: Access[LiveSession]) -> HttpResponse:
    """Choose words and approved questions (GET) and send them into a dialogue as seed statements or into a
    workshop as proposals (POST); all or nothing."""
    session = access.target
    form = SendOnForm(request.POST or None, session=session, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        words, questions = form.chosen_words(), form.chosen_questions()
        made: Sequence[object]
        try:
            if form.destination_kind() == TIME_THIEVES:
                made = actions.send_to_time_thieves(session, words=words, questions=questions)
                name = _("the time thieves")
            elif form.destination_kind() == DIALOGUE:
                dialogue = form.dialogue()
                made = actions.send_to_dialogue(session, dialogue=dialogue, words=words, questions=questions)
                name = dialogue.question
            else:
                workshop = form.workshop()
                if access.membership is None:  # the door lets only members of the organisation manage
                    raise PermissionDenied
                made = actions.send_to_workshop(
                    session,
                    workshop=workshop,
                    membership=access.membership,
                    kind=form.cleaned_data["kind"],
                    words=words,
                    questions=questions,
                )
                name = workshop.title
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _sent(len(made), len(words) + len(questions), name))
            if any(
                getattr(each, "removed_personal_data", None) or getattr(each, "personal_data_removed", None)
                for each in made
            ):
                messages.warning(
                    request,
                    _(
                        "Personal data (personnummer, phone numbers, e-mail addresses) was taken out of some of the texts."
                    ),
                )
            return redirect("live:results", session=session.public_id)
    context = {"organisation": access.organisation, "session": session, "form": form}
    return render(request, "live/send_on.html", context, status=422 if form.errors else 200)


def _sent(made: int, chosen: int, name: str) -> str:
    text = ngettext(
        "%(counter)s answer was sent on to “%(name)s”.", "%(counter)s answers were sent on to “%(name)s”.", made
    ) % {"counter": made, "name": name}
    if made < chosen:
        text += " " + _("The others were there already.")
    return text
