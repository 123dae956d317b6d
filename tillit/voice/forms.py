"""Input for Brukarrösten, with Swedish messages through i18n; no saving here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import CleanText
from tillit.organisations.models import Unit
from tillit.voice.models import CONTACT_MAX_LENGTH, TEXT_MAX_LENGTH, Suggestion, VoiceSettings
from tillit.voice.overview import DEFAULT_PERIOD, PERIODS

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


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label=_("Months"),
        min_value=1,
        max_value=VoiceSettings.RETENTION_MONTHS_MAX,
        help_text=_("From 1 to 120 months."),
        error_messages={
            "required": _("Choose a number of months from 1 to 120."),
            "invalid": _("Choose a number of months from 1 to 120."),
            "min_value": _("Choose a number of months from 1 to 120."),
            "max_value": _("Choose a number of months from 1 to 120."),
        },
    )
    shorter_confirmed = forms.BooleanField(
        label=_("I know that a shorter time deletes the older texts for good"),
        help_text=_("Needed only when you shorten the time."),
        required=False,
    )


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
    names_checked = forms.BooleanField(
        label=_("I have checked that the text points at nobody"),
        help_text=_("Needed only when Tillit finds what may be a name or an address in a reason or an answer."),
        required=False,
    )


class OverviewForm(forms.Form):
    """The overview's filters, from the address: the period, a unit with a service page, and what to break the
    suggestions down by. A period or breakdown that is not one of the choices falls back to the default without a
    word (an old bookmark, a hand-edited address); a unit that is not one of the organisation's is said to be so."""

    DIMENSIONS = ("theme", "channel", "status", "unit")
    DEFAULT_DIMENSION = "theme"

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[("12", _("The last 12 months")), ("24", _("The last 24 months")), ("all", _("Everything"))],  # PERIODS
        required=False,
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        error_messages={
            "invalid_choice": _("Choose a unit from the list: the one in the address has no service page here.")
        },
    )
    dimension = forms.ChoiceField(
        label=_("Break down by"),
        choices=[("theme", _("Theme")), ("channel", _("Channel")), ("status", _("Status")), ("unit", _("Unit"))],
        required=False,
    )

    def __init__(self, data: Any, *, units: list[Unit]) -> None:
        self.units = {str(unit.public_id): unit for unit in units}
        unit = str(data.get("unit", "") or "").strip()
        period = str(data.get("period", "") or "")
        dimension = str(data.get("dimension", "") or "")
        one_unit = unit in self.units
        if period not in PERIODS:
            period = DEFAULT_PERIOD
        if dimension not in self.DIMENSIONS or (one_unit and dimension == "unit"):
            dimension = self.DEFAULT_DIMENSION
        super().__init__({"period": period, "unit": unit, "dimension": dimension})
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", gettext("All units")),
            *[(key, chosen.name) for key, chosen in self.units.items()],
        ]
        if one_unit:  # one unit cannot be broken down by unit
            self.fields["dimension"].choices = [  # type: ignore[attr-defined]
                choice
                for choice in self.fields["dimension"].choices  # type: ignore[attr-defined]
                if choice[0] != "unit"
            ]

    @property
    def chosen_period(self) -> str:
        return str(self.data["period"])

    @property
    def chosen_dimension(self) -> str:
        return str(self.data["dimension"])

    @property
    def chosen_unit(self) -> Unit | None:
        """The unit chosen, or None for all of them (also when the address named one that is not in the list)."""
        return self.units.get(str(self.data["unit"]))


class BackForm(forms.Form):
    """Where a merge or its undoing goes back to: the suggestion's page (`suggestion`), the page of the one it was
    merged into (`into`), or the list of similar pairs (`similar`, at `page`). Anything else goes to the suggestion."""

    BACK = ("suggestion", "into", "similar")

    back = forms.CharField(required=False)
    page = forms.CharField(required=False)

    def clean_back(self) -> str:
        back = str(self.cleaned_data.get("back") or "")
        return back if back in self.BACK else "suggestion"

    def clean_page(self) -> int:
        page = str(self.cleaned_data.get("page") or "")
        return int(page) if page.isascii() and page.isdigit() and len(page) < 7 and int(page) > 0 else 1


class MergeForm(BackForm):
    """Merge the suggestion into another one of the organisation (its public id)."""

    into = forms.UUIDField(
        error_messages={
            "required": _("Choose the suggestion to merge with."),
            "invalid": _("Choose the suggestion to merge with."),
        }
    )


class LinkForm(forms.Form):
    """The workshop card (an effect or activity) a suggestion is linked to, from the organisation's workshops."""

    item = forms.ChoiceField(
        label=_("Effect or activity"),
        error_messages={
            "required": _("Choose an effect or an activity from the list."),
            "invalid_choice": _("Choose an effect or an activity from the list."),
        },
    )

    def __init__(self, *args: Any, cards: Sequence[tuple[Any, Sequence[Any]]], **kwargs: Any) -> None:
        """`cards`: (workshop, its effects and activities), as `workshops.queries.cards_for_voices` gives them; each
        workshop is a group of the list."""
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", gettext("Choose an effect or an activity")),
            *[
                (
                    workshop.title,
                    [(str(item.public_id), f"{item.get_kind_display()}: {item.title}") for item in items],
                )
                for workshop, items in cards
            ],
        ]

    def clean_item(self) -> uuid.UUID:
        return uuid.UUID(str(self.cleaned_data["item"]))
