"""The inputs of rating campaigns: a campaign's name and dates, and a rater's sheet.

The sheet has four fields per signal, named by the signal's public id: `value-<id>` and `burden-<id>` (1–5 or
"dont_know"), `knows-<id>` ("yes"/"no") and `comment-<id>`. Only the signals that reach the rater are read; a field
for any other signal, or a value that is not one of the choices, is refused with a message, and nothing is stored.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import CleanText
from tillit.steering.actions import SheetEntry
from tillit.steering.models import COMMENT_MAX_LENGTH, SCALE_MAX, SCALE_MIN, Campaign, Signal

__all__ = ["CampaignForm", "RatingSheet", "SheetField", "sheet_fields"]

NAME_MAX_LENGTH = Campaign._meta.get_field("name").max_length
DEFAULT_CAMPAIGN_DAYS = 21
DONT_KNOW = "dont_know"
YES, NO = "yes", "no"
SCALE_CHOICES = tuple(str(value) for value in range(SCALE_MIN, SCALE_MAX + 1))
FIELD = re.compile(r"^(value|burden|knows|comment)-(.+)$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class CampaignForm(forms.Form):
    name = CleanText(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("For example Styrsignaler våren 2027. Those invited see the name in the e-mail."),
    )
    opens_on = forms.DateField(
        label=_("Opens"), widget=DateInput(), error_messages={"invalid": _("Enter a date, e.g. 2026-09-01.")}
    )
    closes_on = forms.DateField(
        label=_("Closes"), widget=DateInput(), error_messages={"invalid": _("Enter a date, e.g. 2026-09-21.")}
    )

    def __init__(self, *args: object, campaign: Campaign | None = None, **kwargs: object) -> None:
        if campaign is not None:
            kwargs.setdefault(
                "initial", {"name": campaign.name, "opens_on": campaign.opens_on, "closes_on": campaign.closes_on}
            )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form.__init__ keywords, passed through
        if campaign is None and not self.is_bound:
            today = timezone.localdate()
            self.initial = {"opens_on": today, "closes_on": today + datetime.timedelta(days=DEFAULT_CAMPAIGN_DAYS)}
        if campaign is not None and campaign.is_launched:
            self.fields["opens_on"].disabled = True
            self.fields["opens_on"].help_text = _("The campaign has opened; its opening date can no longer change.")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if isinstance(opens_on, datetime.date) and isinstance(closes_on, datetime.date) and closes_on < opens_on:
            self.add_error("closes_on", gettext("The campaign cannot close before it opens."))
        return cleaned


@dataclass
class SheetField:
    """One signal on the rating page, with what was posted for it and its error."""

    signal: Signal
    value: str = ""
    burden: str = ""
    knows: str = ""
    comment: str = ""
    error: str = ""

    @property
    def key(self) -> str:
        return str(self.signal.public_id)


def sheet_fields(signals: Sequence[Signal], data: Mapping[str, str] | None = None) -> list[SheetField]:
    """The rating page's signals, filled with posted `data`."""
    data = data or {}
    fields = []
    for signal in signals:
        key = str(signal.public_id)
        fields.append(
            SheetField(
                signal,
                value=data.get(f"value-{key}", ""),
                burden=data.get(f"burden-{key}", ""),
                knows=data.get(f"knows-{key}", ""),
                comment=data.get(f"comment-{key}", ""),
            )
        )
    return fields


class RatingSheet:
    """A posted sheet, checked against the signals that reach the rater: `is_valid()`, then `entries` (by the
    signals' public ids) for `actions.rate`; `fields` and `problems` for showing the page again."""

    def __init__(self, data: QueryDict, *, signals: Sequence[Signal]) -> None:
        self.signals = list(signals)
        self.fields = sheet_fields(self.signals, {name: data.get(name, "") for name in data})
        self.problems: list[str] = []
        self.entries: dict[uuid.UUID, SheetEntry] = {}
        self._data = data

    def is_valid(self) -> bool:
        known = {field.key for field in self.fields}
        for name in self._data:
            match = FIELD.match(name)
            if match and match.group(2) not in known:
                self.problems.append(
                    gettext("The ratings do not match the signals that reach you. Reload the page and try again.")
                )
                return False
        for field in self.fields:
            entry = self._entry(field)
            if entry is not None:
                self.entries[field.signal.public_id] = entry
        if self.problems or any(field.error for field in self.fields):
            return False
        if all(entry.is_empty for entry in self.entries.values()):
            self.problems.append(gettext("Rate at least one signal before you send."))
            return False
        return True

    def _entry(self, field: SheetField) -> SheetEntry | None:
        (value_ok, value), (burden_ok, burden), error = _scale(field.value), _scale(field.burden), ""
        if not (value_ok and burden_ok):
            error = gettext("Rate on the scale from 1 to 5, or choose “don’t know”.")
        knows: bool | None = {YES: True, NO: False}.get(field.knows)
        if field.knows not in (YES, NO, ""):
            error = error or gettext("Answer yes or no to whether you know who uses the data.")
        comment = field.comment.strip()
        if len(comment) > COMMENT_MAX_LENGTH:
            error = error or gettext("Keep each comment within %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH}
        if error:
            field.error = error
            return None
        return SheetEntry(value=value, burden=burden, knows_user=knows, comment=comment)


def _scale(raw: str) -> tuple[bool, int | None]:
    """Whether a scale's posted value is one of its choices, and the value: 1–5, or None for "don't know" or
    nothing."""
    if raw in ("", DONT_KNOW):
        return True, None
    if raw in SCALE_CHOICES:
        return True, int(raw)
    return False, None
