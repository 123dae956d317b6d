"""Input for Brukarrösten, with Swedish messages through i18n; no saving here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import CleanText
from tillit.organisations.models import Unit
from tillit.voice.models import CONTACT_MAX_LENGTH, TEXT_MAX_LENGTH, Suggestion

PREVIEW, SEND, EDIT = "preview", "send", "edit"


class HoneypotInput(forms.TextInput):
    """A text box nobody sees or reaches with the keyboard (not shown at all, so not read out either): a program that
    fills in every box fills this one too. Rendered with the hidden fields."""

    is_hidden = True

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return format_html(
            '<div class="honeypot" hidden aria-hidden="true"><label for="id_{}">{}</label>'
            '<input type="text" name="{}" id="id_{}" value="" tabindex="-1" autocomplete="off"></div>',
            name,
            gettext("Leave this empty"),
            name,
            name,
        )


class SuggestionForm(forms.Form):
    """What a service user, a relative or a helper tells the service. Plain Swedish: short sentences, no jargon."""

    helps = CleanText(
        label=_("What makes a difference for you when you meet us?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what makes a difference for you.")},
    )
    hinders = CleanText(
        label=_("What gets in the way? (you can skip this)"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    theme = forms.ChoiceField(
        label=_("What is it about? (you can skip this)"),
        choices=[("", _("I do not know")), *Suggestion.Theme.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a theme from the list.")},
    )
    respondent = forms.ChoiceField(
        label=_("Who is answering?"),
        choices=Suggestion.Respondent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is answering."), "invalid_choice": _("Choose who is answering.")},
    )
    wants_answer = forms.BooleanField(label=_("I want an answer"), required=False)
    contact = CleanText(
        label=_("How can we reach you? (phone or e-mail)"),
        help_text=_("Only if you want an answer. We delete it when we have answered."),
        max_length=CONTACT_MAX_LENGTH,
        required=False,
    )
    # A field people never see: a program that fills in every field fills this one too.
    extra_note = forms.CharField(required=False, widget=HoneypotInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # the labels are questions: no colon after "?"
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("wants_answer") and not cleaned.get("contact"):
            self.add_error("contact", _("Write how we can reach you, or take away the tick for an answer."))
        if not cleaned.get("wants_answer"):
            cleaned["contact"] = ""
        return cleaned


class EntryForm(SuggestionForm):
    """A suggestion received on paper, by phone or at a meeting, entered by staff."""

    channel = forms.ChoiceField(
        label=_("How did it come in?"),
        choices=[choice for choice in Suggestion.Channel.choices if choice[0] != Suggestion.Channel.WEB],
        error_messages={
            "required": _("Choose how the suggestion came in."),
            "invalid_choice": _("Choose how the suggestion came in."),
        },
    )


class PageForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("Choose a unit."), "invalid_choice": _("Choose a unit from the list.")},
    )
    name = CleanText(
        label=_("Name of the service"),
        max_length=120,
        help_text=_("As the service users know it, e.g. Hemtjänst Norr."),
        error_messages={"required": _("Give the service a name.")},
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    """One moderation change of a suggestion: publish or not, theme, status (with a reason), answer."""

    DECISIONS = ("publish", "reject", "theme", "status", "answer")

    decision = forms.ChoiceField(
        choices=[(decision, decision) for decision in DECISIONS],
        error_messages={"required": _("Unknown change."), "invalid_choice": _("Unknown change.")},
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=[("", _("No theme")), *Suggestion.Theme.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a theme from the list.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Suggestion.Status.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    reason = CleanText(label=_("Reason (shown publicly)"), max_length=TEXT_MAX_LENGTH, required=False)
    answer = CleanText(
        label=_("Public answer"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
