"""Input for the barometer, with Swedish messages through i18n: managing rounds and the questionnaire, and answering
(the posted questionnaire, and who answers through the open link).

The forms only clean what people type; the rules (dates, frozen versions, duplicates, answers that match the
questionnaire) live in `actions`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tillit.barometer.actions import DONT_KNOW_CHOICE
from tillit.barometer.bank import VALIDATED_BLOCKS
from tillit.barometer.models import OPEN_ANSWER_MAX_LENGTH, Item, Round, Theme
from tillit.core.forms import CleanText
from tillit.core.text import normalise_text
from tillit.organisations.models import ActorGroup, Level, Organisation, Unit
from tillit.organisations.queries import unit_tree

ROUND_NAME_MAX_LENGTH = Round._meta.get_field("name").max_length
ITEM_TEXT_MAX_LENGTH = Item._meta.get_field("text_sv").max_length
DEFAULT_ROUND_DAYS = 21


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class UnitChoices(forms.ModelMultipleChoiceField):
    """Units chosen by their public ids. Whatever is not one of the listed units (another organisation's unit, or
    text that is no id at all) gets the same message."""

    def clean(self, value: object) -> QuerySet[Unit]:
        try:
            return cast(QuerySet[Unit], super().clean(value))
        except ValidationError as error:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error


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
    results_readers = forms.ChoiceField(
        label=_("Who reads the results"),
        choices=Round.ResultsReaders.choices,
        initial=Round.ResultsReaders.CHAIN,
        widget=forms.RadioSelect,
        help_text=_(
            "The results open when the round closes. Process leaders and administrators read all of them, and "
            "managers those of their own units. Whoever reads them, no group smaller than the anonymity threshold "
            "is shown. This can be changed until the round closes."
        ),
        required=False,  # left out: unchanged (the default, for a new round)
        error_messages={"invalid_choice": _("Choose who reads the results from the list.")},
    )
    units = UnitChoices(
        label=_("Units the round covers"),
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each unit you choose includes every unit below it. Only members placed in the chosen units are invited "
            "and counted, the open link offers only these units, and the results cover only them. Choose none to "
            "cover the whole organisation. This can be changed until the round opens."
        ),
        error_messages={"invalid_choice": _("Choose the units from the organisation's own list.")},
    )

    def __init__(self, *args: object, organisation: Organisation, round: Round | None = None, **kwargs: object) -> None:
        chosen = round.chosen_unit_ids() if round is not None else frozenset()
        if round is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": round.name,
                    "opens_on": round.opens_on,
                    "closes_on": round.closes_on,
                    "results_readers": round.results_readers,
                    "units": [unit.public_id for unit in Unit.objects.filter(pk__in=chosen)],
                },
            )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form.__init__ keywords, passed through
        if round is None and not self.is_bound and not self.initial:
            today = timezone.localdate()
            self.initial = {"opens_on": today, "closes_on": today + datetime.timedelta(days=DEFAULT_ROUND_DAYS)}
        # The organisation's open units in tree order, by their full paths; a unit already chosen stays listed if
        # it has closed since. Another organisation's unit is not among them: an invalid choice, nothing saved.
        nodes = [
            node
            for node in unit_tree(organisation, include_closed=True)
            if node.unit.closed_at is None or node.unit.pk in chosen
        ]
        units = cast(forms.ModelMultipleChoiceField, self.fields["units"])
        units.queryset = Unit.objects.in_organisation(organisation).filter(pk__in=[node.unit.pk for node in nodes])
        units.choices = [(str(node.unit.public_id), node.path) for node in nodes]
        self.units_fixed = round is not None and round.is_launched
        if self.units_fixed:
            # The opening date is history once the round has opened; a disabled field keeps the stored value.
            self.fields["opens_on"].disabled = True
            self.fields["opens_on"].help_text = _("The round has opened; its opening date can no longer change.")
            # So are the units it covers: its invitations went to their members, its population is theirs.
            units.disabled = True
            units.help_text = _(
                "The round has opened; the units it covers can no longer change (none chosen: the whole organisation)."
            )

    def clean_results_readers(self) -> str | None:
        return cast(str, self.cleaned_data["results_readers"]) or None

    def clean_units(self) -> QuerySet[Unit]:
        """The chosen units. Once the round has opened the field is disabled and keeps them; a page opened before,
        sending other units, is told that they can no longer change."""
        units = self.cleaned_data["units"]
        if self.units_fixed and self.is_bound:
            posted = set(self.data.getlist("units")) if isinstance(self.data, QueryDict) else set()
            if posted and posted != {str(unit.public_id) for unit in units}:
                raise forms.ValidationError(_("The round has opened; the units it covers can no longer change."))
        return units


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
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form.__init__ keywords, passed through
        self.fields["text_sv"].error_messages["required"] = _("Write the item in Swedish.")
        self.fields["theme"].error_messages["invalid_choice"] = _("Choose one of the listed themes.")
        self.fields["kind"].error_messages["invalid_choice"] = _("Choose a statement or an open question.")


class BlockForm(forms.Form):
    block = forms.ChoiceField(
        choices=[(key, block.name_sv) for key, block in VALIDATED_BLOCKS.items()],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose one of the listed blocks.")},
    )


# Answering ----------------------------------------------------------------------------------------------------------

SCALE_FIELD_PREFIX = "scale_"
OPEN_FIELD_PREFIX = "open_"

SCALE_OPTIONS = (
    ("1", _("Not at all true")),
    ("2", _("Mostly not true")),
    ("3", _("Partly true")),
    ("4", _("Mostly true")),
    ("5", _("Completely true")),
    (DONT_KNOW_CHOICE, _("Don’t know")),
)
SCALE_VALUES = frozenset(value for value, _label in SCALE_OPTIONS)


def field_name(item: Item) -> str:
    """The questionnaire's form field of an item."""
    return (SCALE_FIELD_PREFIX if item.is_scale else OPEN_FIELD_PREFIX) + item.code


@dataclass(frozen=True)
class PostedAnswers:
    """The questionnaire as posted: raw answers by item code.

    Every `scale_<code>` and `open_<code>` value is kept, also for a code the questionnaire does not have, so that
    `actions.clean_answers`, the authority, refuses answers that do not match the questionnaire. `field_errors` gives
    the messages a person can act on next to their fields."""

    scale: dict[str, str]
    texts: dict[str, str]

    @classmethod
    def from_data(cls, data: QueryDict) -> PostedAnswers:
        scale = {
            key.removeprefix(SCALE_FIELD_PREFIX): data.get(key, "")
            for key in data
            if key.startswith(SCALE_FIELD_PREFIX)
        }
        texts = {
            key.removeprefix(OPEN_FIELD_PREFIX): data.get(key, "") for key in data if key.startswith(OPEN_FIELD_PREFIX)
        }
        return cls(scale, texts)

    def field_values(self) -> dict[str, str]:
        return {SCALE_FIELD_PREFIX + code: value for code, value in self.scale.items()} | {
            OPEN_FIELD_PREFIX + code: text for code, text in self.texts.items()
        }

    def field_errors(self) -> dict[str, str]:
        """Messages next to the fields a person can correct; `actions.clean_answers` stays the authority."""
        errors = {}
        for code, value in self.scale.items():
            if value and value not in SCALE_VALUES:
                errors[SCALE_FIELD_PREFIX + code] = gettext("Choose one of the answers on the scale, or “don’t know”.")
        for code, text in self.texts.items():
            length = len(normalise_text(text))
            if length > OPEN_ANSWER_MAX_LENGTH:
                errors[OPEN_FIELD_PREFIX + code] = gettext("At most %(limit)d characters (now %(count)d).") % {
                    "limit": OPEN_ANSWER_MAX_LENGTH,
                    "count": length,
                }
        return errors


class RespondentForm(forms.Form):
    """Who answers through the open link, as far as the report needs: a unit, and optionally level and group."""

    unit = forms.ChoiceField(
        label=_("Your unit"),
        error_messages={
            "required": _("Choose the unit you work in."),
            "invalid_choice": _("Choose one of the organisation's units."),
        },
    )
    level = forms.ChoiceField(
        label=_("Your level in the organisation (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed levels, or none.")},
    )
    actor_group = forms.ChoiceField(
        label=_("Your role (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed roles, or none.")},
    )

    def __init__(self, *args: object, round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # a Form's own arguments, passed on
        organisation = round.organisation
        # Only units of the tree the round opened with that it covers: a unit made since, or one the round does
        # not cover, has no population to answer for.
        covered = round.covered_unit_ids()
        tree = [node for node in unit_tree(organisation) if round.has_unit(node.unit.pk) and node.unit.pk in covered]
        if not round.covers_everyone:
            unit = cast(forms.ChoiceField, self.fields["unit"])
            unit.error_messages["invalid_choice"] = _(
                "This survey covers only some of the organisation's units. Choose one of those listed."
            )
        self.units = {str(node.unit.public_id): node.unit for node in tree}
        self.levels = {str(level.public_id): level for level in Level.objects.in_organisation(organisation)}
        self.actor_groups = {str(group.public_id): group for group in ActorGroup.objects.in_organisation(organisation)}
        # Full paths ("Socialförvaltningen / Hemtjänst Norr") show where a unit sits in the tree.
        self._choices(
            "unit", [("", gettext("Choose your unit")), *((str(node.unit.public_id), node.path) for node in tree)]
        )
        self._choices(
            "level", [("", gettext("Do not say")), *((key, level.name) for key, level in self.levels.items())]
        )
        self._choices(
            "actor_group",
            [("", gettext("Do not say")), *((key, group.name) for key, group in self.actor_groups.items())],
        )

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def chosen(self) -> tuple[Unit, Level | None, ActorGroup | None]:
        data = self.cleaned_data
        return self.units[data["unit"]], self.levels.get(data["level"]), self.actor_groups.get(data["actor_group"])
