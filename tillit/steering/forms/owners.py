"""The input of lärande tillsyn: opening a Samtal with an owner."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.dialogues.actions import MAX_INVITED_ADDRESSES
from tillit.organisations.models import ActorGroup
from tillit.steering.actions.owners import DIALOGUE_DAYS

__all__ = ["OwnerDialogueForm"]

QUESTION_MAX_LENGTH = 300
_SEPARATORS = re.compile(r"[\s,;]+")


class OwnerDialogueForm(forms.Form):
    question = forms.CharField(
        label=_("Question of the dialogue"),
        max_length=QUESTION_MAX_LENGTH,
        initial=_(
            "Which of these demands help the meeting with the service user, and which could we remove or simplify together?"
        ),
    )
    addresses = forms.CharField(
        label=_("E-mail addresses of the owner's people"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or more, separated by new lines, commas or spaces. They need no account."),
    )
    actor_group = forms.ChoiceField(
        label=_("They take part as"),
        choices=[
            (ActorGroup.Key.SUPERVISORY_BODY, ActorGroup.Key.SUPERVISORY_BODY.label),
            (ActorGroup.Key.PARTNER, ActorGroup.Key.PARTNER.label),
        ],
        initial=ActorGroup.Key.SUPERVISORY_BODY,
        widget=forms.RadioSelect,
    )
    closes_on = forms.DateField(label=_("Closes"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closes_on"].initial = timezone.localdate() + datetime.timedelta(days=DIALOGUE_DAYS)

    def clean_addresses(self) -> list[str]:
        found = [part for part in _SEPARATORS.split(self.cleaned_data["addresses"]) if part]
        wrong = []
        for address in found:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            raise ValidationError(
                _("These are not e-mail addresses: %(addresses)s"), params={"addresses": ", ".join(wrong[:10])}
            )
        if not found:
            raise ValidationError(_("Give at least one e-mail address."))
        if len(found) > MAX_INVITED_ADDRESSES:
            raise ValidationError(_("At most %(count)d addresses at a time."), params={"count": MAX_INVITED_ADDRESSES})
        return list(dict.fromkeys(found))

    def clean_closes_on(self) -> datetime.date:
        closes_on: datetime.date = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise ValidationError(_("The dialogue cannot close before today."))
        return closes_on
