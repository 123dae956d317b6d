"""Input of the process leader who prepares and runs a live meeting: the meeting, its activities, and the buttons of
the moderator's view. Swedish messages through i18n; nothing is saved here (the views call `actions`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import CleanText
from tillit.live.models import OPTION_MAX_LENGTH, OPTIONS_MAX, PROMPT_MAX_LENGTH, TITLE_MAX_LENGTH, Activity, Question

Kind = Activity.Kind
StrOrPromise = str | Promise

SCALES = {"1-5": (1, 5), "0-10": (0, 10)}
# The fields each kind of activity asks for (the kind itself is chosen first, so no field is there for nothing).
FIELDS_OF: dict[str, tuple[str, ...]] = {
    Kind.POLL: ("prompt", "options", "several", "may_change"),
    Kind.SCALE: ("prompt", "scale", "may_change"),
    Kind.WORDS: ("prompt", "may_change", "moderated"),
    Kind.QUESTIONS: ("prompt", "moderated"),
    Kind.RATING: ("prompt", "options", "scale", "may_change"),
    Kind.WORKSHOP: ("prompt", "workshop"),
    Kind.DIALOGUE: ("prompt", "dialogue"),
}
KIND_HELP: dict[str, StrOrPromise] = {
    Kind.POLL: _("One or several choices; the screen shows how many chose each."),
    Kind.SCALE: _("A value from 1 to 5 or 0 to 10; the screen shows the distribution and the mean."),
    Kind.WORDS: _("A word or a few; the same words are merged and the screen shows the most said largest."),
    Kind.QUESTIONS: _("Questions to a panel; participants vote them up and you choose which to put on the screen."),
    Kind.RATING: _("Several items on one scale; the screen ranks them by their mean."),
    Kind.WORKSHOP: _("The phones go to one of the organisation's workshops, to propose or to rate."),
    Kind.DIALOGUE: _("The phones go to one of the organisation's dialogues, to vote on statements."),
}


class SessionForm(forms.Form):
    """A meeting's title and options (creating it and its settings)."""

    title = CleanText(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give the meeting a title.")},
    )
    open_to_all = forms.BooleanField(
        label=_("Open to people from other organisations"),
        help_text=_("For a regional forum: anyone with the code joins as a guest."),
        required=False,
    )
    ask_background = forms.BooleanField(
        label=_("Ask participants for their actor group and level"),
        help_text=_("So that the screen can show where groups differ, once an activity is locked."),
        required=False,
        initial=True,
    )


class KindForm(forms.Form):
    """The first step of adding an activity: which kind (a GET form, so it works without JavaScript)."""

    kind = forms.ChoiceField(
        label=_("Kind of activity"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a kind of activity."), "invalid_choice": _("Choose a kind of activity.")},
    )


class ActivityForm(forms.Form):
    """An activity of a given kind: only the fields that kind asks for are there (`FIELDS_OF`)."""

    prompt = CleanText(
        label=_("Question or heading"),
        max_length=PROMPT_MAX_LENGTH,
        error_messages={"required": _("Write the question or heading.")},
    )
    options = forms.CharField(
        label=_("Choices, one per line"),
        help_text=_("At least two and at most %(count)s, each at most %(limit)s characters.")
        % {"count": OPTIONS_MAX, "limit": OPTION_MAX_LENGTH},
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=OPTIONS_MAX * (OPTION_MAX_LENGTH + 2),
        error_messages={"required": _("Give at least two choices, one per line.")},
    )
    several = forms.BooleanField(label=_("Several choices allowed"), required=False)
    scale = forms.ChoiceField(
        label=_("Scale"),
        choices=[("1-5", _("1 to 5")), ("0-10", _("0 to 10"))],
        initial="1-5",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the scale 1–5 or 0–10."),
            "invalid_choice": _("Choose the scale 1–5 or 0–10."),
        },
    )
    may_change = forms.BooleanField(label=_("Participants may change their answer"), required=False, initial=True)
    moderated = forms.BooleanField(
        label=_("Moderated: you approve questions before the screen shows them"), required=False, initial=True
    )
    workshop: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Workshop"),
        queryset=None,
        to_field_name="public_id",
        empty_label=_("Choose a workshop"),
        error_messages={
            "required": _("Choose the workshop whose step is run live."),
            "invalid_choice": _("Choose one of the organisation's workshops."),
        },
    )
    dialogue: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Dialogue"),
        queryset=None,
        to_field_name="public_id",
        empty_label=_("Choose a dialogue"),
        error_messages={
            "required": _("Choose the dialogue whose voting is run live."),
            "invalid_choice": _("Choose one of the organisation's dialogues."),
        },
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        workshops: QuerySet[Any] | None = None,
        dialogues: QuerySet[Any] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        wanted = set(FIELDS_OF.get(kind, ("prompt",)))
        if editing:  # the workshop or dialogue a step runs is chosen once
            wanted -= {"workshop", "dialogue"}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "workshop" in self.fields:
            self.fields["workshop"].queryset = workshops  # type: ignore[attr-defined]  # a ModelChoiceField
        if "dialogue" in self.fields:
            self.fields["dialogue"].queryset = dialogues  # type: ignore[attr-defined]  # a ModelChoiceField
        if kind == Kind.RATING and "options" in self.fields:
            self.fields["options"].label = _("Items to rate, one per line")
        if kind == Kind.WORDS and "moderated" in self.fields:
            self.fields["moderated"].label = _("Moderated: you can hide words before the screen shows them")

    def clean_options(self) -> list[str]:
        lines = (self.cleaned_data.get("options") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def action_arguments(self) -> dict[str, Any]:
        """The cleaned values as `actions.add_activity`/`update_activity` take them (fields not asked keep their
        defaults, or the activity's own values given as `initial`)."""
        data = self.cleaned_data
        scale = data.get("scale") or self.initial.get("scale") or "1-5"
        arguments: dict[str, Any] = {
            "prompt": data["prompt"],
            "options": data.get("options", self.initial.get("options_list", [])),
            "several": data.get("several", self.initial.get("several", False)),
            "scale": SCALES[scale],
            "may_change": data.get("may_change", self.initial.get("may_change", True)),
            "moderated": data.get("moderated", self.initial.get("moderated", True)),
        }
        return arguments


def initial_of(activity: Activity) -> dict[str, Any]:
    """An activity's values as its form shows them."""
    scale = next((name for name, bounds in SCALES.items() if bounds == (activity.scale_min, activity.scale_max)), "1-5")
    return {
        "prompt": activity.prompt,
        "options": "\n".join(activity.options),
        "options_list": list(activity.options),
        "several": activity.several,
        "scale": scale,
        "may_change": activity.may_change,
        "moderated": activity.moderated,
    }


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


# The moderator's buttons ----------------------------------------------------------------------------------------

CONTROL_ACTIONS = ("start", "next", "previous", "show", "hide", "lock", "reopen", "results_on", "results_off", "end")


class ControlForm(forms.Form):
    """One button of the moderator's view: what to do, and to which activity (the one on the screen when none)."""

    action = forms.ChoiceField(choices=[(action, action) for action in CONTROL_ACTIONS])
    activity = forms.UUIDField(required=False)
    confirmed = forms.BooleanField(required=False)


class QuestionForm(forms.Form):
    """Moderating one question: a new status, or putting it on (or taking it off) the screen."""

    status = forms.ChoiceField(choices=[("", ""), *Question.Status.choices], required=False)
    on_screen = forms.ChoiceField(choices=[("", ""), ("1", "1"), ("0", "0")], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("status") and not data.get("on_screen"):
            raise forms.ValidationError(_("Choose what to do with the question."))
        return data


class WordForm(forms.Form):
    """Hiding a word of the cloud from the screen, or showing it again."""

    activity = forms.UUIDField()
    stem = forms.CharField(max_length=200)
    do = forms.ChoiceField(choices=[("hide", "hide"), ("show", "show")])
