"""Input of the process leader afterwards: which of the meeting's words and questions to send on, and where to (a
dialogue of the organisation as seed statements, or a workshop as proposals). Nothing is saved here: the view calls
`actions.send_to_dialogue` or `actions.send_to_workshop`, which check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.dialogues import queries as dialogue_queries
from tillit.live import queries, reporting
from tillit.live.models import Activity, LiveSession, Question
from tillit.organisations.models import Organisation
from tillit.workshops import queries as workshop_queries

Kind = Activity.Kind
DIALOGUE = "dialogue"
WORKSHOP = "workshop"
TIME_THIEVES = "time_thieves"
SENDABLE_QUESTIONS = (Question.Status.APPROVED, Question.Status.ANSWERED)


class SendOnForm(forms.Form):
    """Words shown on the screen and approved questions, grouped by activity, and one destination."""

    words = forms.MultipleChoiceField(
        label=_("Words from the word clouds"), required=False, widget=forms.CheckboxSelectMultiple
    )
    questions = forms.MultipleChoiceField(
        label=_("Approved questions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    destination = forms.ChoiceField(
        label=_("Send them to"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a dialogue, a workshop or the time thieves."),
            "invalid_choice": _("Choose one of the listed dialogues or workshops."),
        },
    )
    kind = forms.ChoiceField(
        label=_("In a workshop, as"),
        choices=workshop_queries.PROMOTABLE_KINDS,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Only when you send them to a workshop."),
    )

    def __init__(self, *args: Any, session: LiveSession, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self._words: dict[str, tuple[Activity, str]] = {}
        self._questions: dict[str, Question] = {}
        word_choices: list[tuple[str, list[tuple[str, str]]]] = []
        question_choices: list[tuple[str, list[tuple[str, str]]]] = []
        for activity in queries.activities_of(session):
            activity.session = session
            if activity.kind == Kind.WORDS:
                choices = []
                for word in reporting.publication(activity).whole.words:
                    key = f"{activity.public_id}:{word.stem}"
                    self._words[key] = (activity, word.stem)
                    choices.append((key, word.word))
                if choices:
                    word_choices.append((activity.prompt, choices))
            elif activity.kind == Kind.QUESTIONS:
                choices = []
                for question in queries.questions_of(activity, *SENDABLE_QUESTIONS):
                    key = str(question.public_id)
                    self._questions[key] = question
                    choices.append((key, question.text))
                if choices:
                    question_choices.append((activity.prompt, choices))
        # A list with nothing to choose is left out of the form.
        for name, grouped in (("words", word_choices), ("questions", question_choices)):
            if grouped:
                self.fields[name].choices = grouped  # type: ignore[attr-defined]  # a MultipleChoiceField
            else:
                del self.fields[name]
        self.dialogues = {
            str(dialogue.public_id): dialogue
            for dialogue in dialogue_queries.dialogues_of(organisation)
            if dialogue.state() != "closed"
        }
        self.workshops = {
            str(workshop.public_id): workshop
            for workshop in workshop_queries.workshops_taking_proposals(organisation).order_by("title")
        }
        destinations: list[tuple[str, list[tuple[str, str]]]] = []
        if self.dialogues:
            destinations.append(
                (
                    str(_("Dialogues (as seed statements)")),
                    [(f"{DIALOGUE}:{key}", dialogue.question) for key, dialogue in self.dialogues.items()],
                )
            )
        if self.workshops:
            destinations.append(
                (
                    str(_("Workshops (as proposals)")),
                    [(f"{WORKSHOP}:{key}", workshop.title) for key, workshop in self.workshops.items()],
                )
            )
        destinations.append(
            (
                str(_("Styrsignaler (as time-thief reports)")),
                [(f"{TIME_THIEVES}:", str(_("Report them as time thieves")))],
            )
        )
        self.fields["destination"].choices = destinations  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["kind"].initial = workshop_queries.PROMOTABLE_KINDS[0][0]

    @property
    def has_choices(self) -> bool:
        return bool(self._words or self._questions)

    @property
    def has_destinations(self) -> bool:
        return True  # the organisation's tidstjuvar always take reports

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("words") and not cleaned.get("questions") and not self.errors:
            raise forms.ValidationError(_("Choose at least one word or question to send on."))
        if str(cleaned.get("destination", "")).startswith(WORKSHOP) and not cleaned.get("kind"):
            self.add_error("kind", _("Choose what the answers become in the workshop."))
        return cleaned

    # What was chosen, once valid --------------------------------------------------------------------------------

    def chosen_words(self) -> list[tuple[Activity, str]]:
        return [self._words[key] for key in self.cleaned_data.get("words", [])]

    def chosen_questions(self) -> list[Question]:
        return [self._questions[key] for key in self.cleaned_data.get("questions", [])]

    def destination_kind(self) -> str:
        return str(self.cleaned_data["destination"]).partition(":")[0]

    def dialogue(self) -> Any:
        return self.dialogues[str(self.cleaned_data["destination"]).partition(":")[2]]

    def workshop(self) -> Any:
        return self.workshops[str(self.cleaned_data["destination"]).partition(":")[2]]
