"""Input for managing the barometer (rounds and the questionnaire), with Swedish messages through i18n.

The forms only clean what people type; the rules (dates, frozen versions, duplicates) live in `actions`.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.barometer.bank import VALIDATED_BLOCKS
from tillit.barometer.models import Item, Round, Theme
from tillit.core.forms import CleanText

ROUND_NAME_MAX_LENGTH = Round._meta.get_field("name").max_length
ITEM_TEXT_MAX_LENGTH = Item._meta.get_field("text_sv").max_length
DEFAULT_ROUND_DAYS = 21


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RoundForm(forms.Form):
    name = CleanText(
        label=_("Name"),
        max_length=ROUND_NAME_MAX_LENGTH,
        help_text=_("For example Barometern hösten 2026. Respondents see the name in the invitation."),
    )
    opens_on = forms.DateField(
        label=_("Opens"), widget=DateInput(), error_messages={"invalid": _("Enter a date, e.g. 2026-09-01.")}
    )
    closes_on = forms.DateField(
        label=_("Closes"), widget=DateInput(), error_messages={"invalid": _("Enter a date, e.g. 2026-09-21.")}
    )

    def __init__(self, *args: object, round: Round | None = None, **kwargs: object) -> None:
        if round is not None:
            kwargs.setdefault("initial", {"name": round.name, "opens_on": round.opens_on, "closes_on": round.closes_on})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if round is None and not self.is_bound and not self.initial:
            today = timezone.localdate()
            self.initial = {"opens_on": today, "closes_on": today + datetime.timedelta(days=DEFAULT_ROUND_DAYS)}
        if round is not None and round.is_launched:
            # The opening date is history once the round has opened; a disabled field keeps the stored value.
            self.fields["opens_on"].disabled = True
            self.fields["opens_on"].help_text = _("The round has opened; its opening date can no longer change.")


class ItemForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    kind = forms.ChoiceField(
        label=_("Kind of item"), choices=Item.Kind.choices, initial=Item.Kind.SCALE, widget=forms.RadioSelect
    )
    text_sv = CleanText(
        label=_("Text in Swedish"),
        max_length=ITEM_TEXT_MAX_LENGTH,
        help_text=_("One idea per item, in plain language that politicians, managers and staff can all answer."),
    )
    text_en = CleanText(
        label=_("Text in English (optional)"),
        max_length=ITEM_TEXT_MAX_LENGTH,
        required=False,
        help_text=_("Shown to those who use Tillit in English; otherwise they see the Swedish text."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text_sv"].error_messages["required"] = _("Write the item in Swedish.")
        self.fields["theme"].error_messages["invalid_choice"] = _("Choose one of the listed themes.")
        self.fields["kind"].error_messages["invalid_choice"] = _("Choose a statement or an open question.")


class BlockForm(forms.Form):
    block = forms.ChoiceField(
        choices=[(key, block.name_sv) for key, block in VALIDATED_BLOCKS.items()],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose one of the listed blocks.")},
    )
