"""What a participant's phone posts: the six-digit code, joining (optionally an actor group and a level), an answer
to the activity on now (`parse_answer`, shared by the no-JavaScript form, live.js's fetch and the WebSocket), and
a question to the panel. Anything malformed is refused with a Swedish message, never a server error."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.core.forms import CleanText
from tillit.live.models import CODE_LENGTH, QUESTION_MAX_LENGTH, WORD_MAX_LENGTH, WORDS_PER_PARTICIPANT, Activity
from tillit.organisations.models import ActorGroup, Level, Organisation

__all__ = ["CodeForm", "JoinForm", "QuestionForm", "activity_id", "parse_answer"]

Kind = Activity.Kind
# Longer posted values are refused before anything else looks at them (a number has at most a few digits).
_NUMBER_MAX_LENGTH = 4


def clean_code(raw: str) -> str | None:
    """The code as typed ("123 456", "123-456" and " 123456 " are all 123456), or None if it cannot be one."""
    code = "".join(raw.split()).replace("-", "")[: CODE_LENGTH + 1]
    if len(code) == CODE_LENGTH and code.isascii() and code.isdigit():
        return code
    return None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The meeting's code"),
        help_text=gettext_lazy("Six digits, shown on the big screen."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "live-code__input",
                "maxlength": 20,
            }
        ),
        error_messages={"required": gettext_lazy("Write the code, six digits.")},
    )

    def clean_code(self) -> str:
        code = clean_code(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(_("The code is six digits, like 123456."))
        return code


class _RadioChoice(forms.ModelChoiceField):
    """A list of radio buttons with "Prefer not to say" first (chosen until something else is)."""

    def __init__(self, queryset: Any, label: str) -> None:
        super().__init__(
            queryset=queryset,
            label=label,
            required=False,
            blank=True,
            empty_label=_("Prefer not to say"),
            to_field_name="public_id",
            widget=forms.RadioSelect(attrs={"class": "live-choices"}),
            error_messages={"invalid_choice": _("Choose one of the listed groups.")},
        )

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:  # also a value that is no UUID at all: the same message as any other wrong one
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class JoinForm(forms.Form):
    """The actor group and level a participant may state, from the session organisation's lists; both optional."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = ActorGroup.objects.in_organisation(organisation)
        levels = Level.objects.in_organisation(organisation)
        self.fields["actor_group"] = _RadioChoice(groups, _("Which group do you belong to?"))
        self.fields["level"] = _RadioChoice(levels, _("At which level do you work?"))
        if not groups.exists():
            del self.fields["actor_group"]
        if not levels.exists():
            del self.fields["level"]


class QuestionForm(forms.Form):
    text = CleanText(
        label=gettext_lazy("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_LENGTH}),
        error_messages={"required": gettext_lazy("Write your question.")},
    )


# --- Answers ----------------------------------------------------------------------------------------------------


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    """Every value posted under `name`: a QueryDict's list, or the socket's list of strings (a single string is
    taken as one value). Anything else is malformed."""
    getlist = getattr(data, "getlist", None)
    raw = getlist(name) if callable(getlist) else data.get(name, [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
        raise ValidationError(_("The answer could not be read. Reload the page and try again."))
    return raw


def _number(raw: str, message: str) -> int:
    text = raw.strip()
    digits = text.removeprefix("-")
    if not digits or len(digits) > _NUMBER_MAX_LENGTH or not digits.isascii() or not digits.isdigit():
        raise ValidationError(message)
    return int(text)


def activity_id(data: Mapping[str, Any]) -> uuid.UUID | None:
    """The activity a form names (its hidden `activity` field), or None when it names none or is not a UUID."""
    try:
        values = _values(data, "activity")
    except ValidationError:
        return None
    if len(values) != 1:
        return None
    try:
        return uuid.UUID(values[0].strip())
    except ValueError:
        return None


def parse_answer(activity: Activity, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of `actions.answer` for what a phone posted to `activity`: a poll's `choice` (one, or
    several where allowed), a scale's `value`, "rate these" `value_<i>` per item (empty: not rated), a word cloud's
    `word` (up to three). Raises ValidationError with a Swedish message for anything malformed."""
    scale = {"low": activity.scale_min, "high": activity.scale_max}
    if activity.kind == Kind.POLL:
        raw = [value for value in _values(data, "choice") if value.strip()]
        if not raw:
            raise ValidationError(_("Choose an answer."))
        if len(raw) > len(activity.options):
            raise ValidationError(_("Choose one of the listed answers."))
        choices = [_number(value, _("Choose one of the listed answers.")) for value in raw]
        if any(not 0 <= choice < len(activity.options) for choice in choices):
            raise ValidationError(_("Choose one of the listed answers."))
        if len(set(choices)) > 1 and not activity.several:
            raise ValidationError(_("Choose one answer."))
        return {"choices": sorted(set(choices))}
    if activity.kind == Kind.SCALE:
        raw = [value for value in _values(data, "value") if value.strip()]
        message = _("Choose a value from %(low)s to %(high)s.") % scale
        if len(raw) != 1:
            raise ValidationError(message)
        value = _number(raw[0], message)
        if not activity.scale_min <= value <= activity.scale_max:
            raise ValidationError(message)
        return {"value": value}
    if activity.kind == Kind.RATING:
        message = _("Choose a value from %(low)s to %(high)s.") % scale
        values: list[int | None] = []
        for item in range(len(activity.options)):
            raw = [value for value in _values(data, f"value_{item}") if value.strip()]
            if len(raw) > 1:
                raise ValidationError(message)
            number = _number(raw[0], message) if raw else None
            if number is not None and not activity.scale_min <= number <= activity.scale_max:
                raise ValidationError(message)
            values.append(number)
        if all(each is None for each in values):
            raise ValidationError(_("Rate at least one of the items."))
        return {"values": values}
    if activity.kind == Kind.WORDS:
        raw = _values(data, "word")
        if len(raw) > WORDS_PER_PARTICIPANT:
            raise ValidationError(_("Write at most %(count)s answers.") % {"count": WORDS_PER_PARTICIPANT})
        words = [" ".join(value.split()) for value in raw]
        if any(len(word) > WORD_MAX_LENGTH for word in words):
            raise ValidationError(_("Each answer can be at most %(limit)s characters.") % {"limit": WORD_MAX_LENGTH})
        words = [word for word in words if word]
        if not words:
            raise ValidationError(_("Write a word or a few."))
        return {"words": words}
    if activity.kind == Kind.QUESTIONS:
        raise ValidationError(_("Write your question in the question form."))
    raise ValidationError(_("This activity is answered elsewhere."))
