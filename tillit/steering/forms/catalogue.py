"""Input for the catalogue: a signal's details (decimal commas welcome, figures of burden checked by
`burden.problems` and told in words), and the catalogue's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tillit.core.forms import CleanText
from tillit.organisations.models import Organisation, Unit
from tillit.organisations.queries import unit_tree
from tillit.steering import burden
from tillit.steering.actions import NAME_MAX_LENGTH, problem_message
from tillit.steering.actions.catalogue import USED_BY_MAX_LENGTH
from tillit.steering.models import DESCRIPTION_MAX_LENGTH, Kind, Owner, Signal, Source
from tillit.workshops.queries import effects_for_signals

if TYPE_CHECKING:
    from tillit.workshops.models import Item

# Which field each problem of `burden.problems` belongs to.
PROBLEM_FIELDS: dict[burden.Problem, str] = {
    burden.Problem.OCCURRENCES_TOO_FEW: "occurrences_per_year",
    burden.Problem.OCCURRENCES_TOO_MANY: "occurrences_per_year",
    burden.Problem.OCCURRENCES_TOO_PRECISE: "occurrences_per_year",
    burden.Problem.MINUTES_TOO_FEW: "minutes_per_occurrence",
    burden.Problem.MINUTES_TOO_MANY: "minutes_per_occurrence",
    burden.Problem.MINUTES_TOO_PRECISE: "minutes_per_occurrence",
    burden.Problem.PEOPLE_TOO_FEW: "people",
    burden.Problem.PEOPLE_TOO_MANY: "people",
    burden.Problem.MORE_THAN_A_WORKING_YEAR: "minutes_per_occurrence",
}


class AmountField(forms.CharField):
    """A number typed the Swedish way or the English way: "7,5", "7.5", "1 000". Bounds are `burden.problems`'."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "40"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # a number, not text
        text = super().to_python(value)
        if not text:
            return None
        amount = burden.parse_amount(text)
        if amount is None:
            raise ValidationError(_("Enter a number, e.g. 12 or 7,5."), code="invalid")
        return amount


class CountField(forms.CharField):
    """A whole number of people, "1 000" welcome."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": "40"})

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]  # a number, not text
        text = super().to_python(value)
        if not text:
            return None
        count = burden.parse_count(text)
        if count is None:
            raise ValidationError(_("Enter a whole number, e.g. 12."), code="invalid")
        return count


class UnitChoices(forms.ModelMultipleChoiceField):
    """Units chosen by their public ids. Whatever is not one of the listed units (another organisation's unit, or
    text that is no id at all) gets the same message."""

    def clean(self, value: object) -> QuerySet[Unit]:
        try:
            return cast(QuerySet[Unit], super().clean(value))
        except ValidationError as error:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error


def _decimal_text(value: Decimal) -> str:
    """A stored figure as it is typed in Swedish: 7.5 → "7,5", 52.00 → "52"."""
    plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{plain:f}".replace(".", ",")


class SignalForm(forms.Form):
    name = CleanText(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the demand is called where you work, e.g. Genomförandeplan för varje brukare."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=DESCRIPTION_MAX_LENGTH, widget=forms.Textarea({"rows": 3})
    )
    source = forms.ChoiceField(label=_("Source"), choices=[("", _("Choose…")), *Source.choices])
    kind = forms.ChoiceField(label=_("Kind of steering"), choices=Kind.choices, widget=forms.RadioSelect)
    owner_name = CleanText(
        label=pgettext_lazy("steering signal", "Owner"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Who can change it: an agency, SKR, the council, a board, the administration, the unit."),
    )
    task = forms.CharField(
        label=_("What must be done"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea({"rows": 3}),
    )
    minutes_per_occurrence = AmountField(
        label=_("Minutes each time"), help_text=_("How long it takes one person each time, e.g. 7,5.")
    )
    occurrences_per_year = AmountField(
        label=_("Times a year"),
        help_text=_(
            "How often each person does it in a year: 12 for every month, 52 for every week, 0,5 every other year."
        ),
    )
    people = CountField(label=_("People who do it"), help_text=_("How many people do it, in all the units it reaches."))
    result_used_by = CleanText(label=_("Who uses the result"), required=False, max_length=USED_BY_MAX_LENGTH)
    units = UnitChoices(
        label=_("Units it reaches"),
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each unit includes every unit below it. Choose none when it reaches the whole organisation."),
        error_messages={"invalid_choice": _("Choose the units from the organisation's own list.")},
    )
    effects = forms.MultipleChoiceField(
        label=_("Effects it is meant to serve"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The effects of the organisation's workshops (målnedbrytning) the signal is meant to help reach."),
        error_messages={"invalid_choice": _("Choose the effects from the organisation's own workshops.")},
    )

    def __init__(self, *args: Any, organisation: Organisation, signal: Signal | None = None, **kwargs: Any) -> None:
        chosen_units: set[int] = set()
        chosen_effects: list[str] = []
        if signal is not None:
            chosen_units = {unit.pk for unit in signal.units.all()}
            chosen_effects = [str(effect.public_id) for effect in signal.effects.all()]
            kwargs.setdefault(
                "initial",
                {
                    "name": signal.name,
                    "description": signal.description,
                    "source": signal.source,
                    "kind": signal.kind,
                    "owner_name": signal.owner.name,
                    "task": signal.task,
                    "minutes_per_occurrence": _decimal_text(signal.minutes_per_occurrence),
                    "occurrences_per_year": _decimal_text(signal.occurrences_per_year),
                    "people": str(signal.people),
                    "result_used_by": signal.result_used_by,
                    "units": [unit.public_id for unit in signal.units.all()],
                    "effects": chosen_effects,
                },
            )
        super().__init__(*args, **kwargs)
        # The organisation's open units in tree order by their paths; a unit already chosen stays listed if it has
        # closed since. Another organisation's unit is not among them: an invalid choice, nothing saved.
        nodes = [
            node
            for node in unit_tree(organisation, include_closed=True)
            if node.unit.closed_at is None or node.unit.pk in chosen_units
        ]
        units = cast(forms.ModelMultipleChoiceField, self.fields["units"])
        units.queryset = Unit.objects.in_organisation(organisation).filter(pk__in=[node.unit.pk for node in nodes])
        units.choices = [(str(node.unit.public_id), node.path) for node in nodes]
        self.effect_cards: dict[str, Item] = {}
        grouped: list[tuple[str, list[tuple[str, str]]]] = []
        for workshop, cards in effects_for_signals(organisation):
            grouped.append((workshop.title, [(str(card.public_id), card.title) for card in cards]))
            self.effect_cards.update({str(card.public_id): card for card in cards})
        effects = cast(forms.MultipleChoiceField, self.fields["effects"])
        effects.choices = grouped
        if not grouped:
            del self.fields["effects"]
        self.owner_names = [owner.name for owner in Owner.objects.filter(organisation=organisation).order_by("name")]
        self.fields["owner_name"].widget.attrs["list"] = "owner-names"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        minutes, times, people = (
            data.get(name) for name in ("minutes_per_occurrence", "occurrences_per_year", "people")
        )
        if minutes is not None and times is not None and people is not None:
            for problem in burden.problems(minutes, times, people):
                field = PROBLEM_FIELDS[problem]
                if field in self.fields and not self.has_error(field):
                    self.add_error(field, problem_message(problem))
        return data

    def action_arguments(self) -> dict[str, Any]:
        """The cleaned details as `actions.create_signal` and `update_signal` take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "source": data["source"],
            "kind": data["kind"],
            "owner_name": data["owner_name"],
            "task": data["task"],
            "minutes_per_occurrence": data["minutes_per_occurrence"],
            "occurrences_per_year": data["occurrences_per_year"],
            "people": data["people"],
            "result_used_by": data["result_used_by"],
            "units": list(data["units"]),
            "effects": [self.effect_cards[key] for key in data.get("effects", [])],
        }


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters (GET). A value that is not one of the choices filters nothing."""

    kind = forms.ChoiceField(label=_("Kind of steering"), required=False, choices=[("", _("All")), *Kind.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All")), *Source.choices])
    owner = forms.ChoiceField(label=pgettext_lazy("steering signal", "Owner"), required=False)

    def __init__(self, *args: Any, owners: QuerySet[Owner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(owner.public_id): owner for owner in owners}
        owner_field = cast(forms.ChoiceField, self.fields["owner"])
        owner_field.choices = [("", _("All")), *((key, owner.name) for key, owner in self.owners.items())]

    def filters(self) -> dict[str, Any]:
        """The valid filters as `queries.filtered_signals` takes them."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("kind", ""),
            "source": data.get("source", ""),
            "owner": self.owners.get(data.get("owner", "")),
        }

    def query(self) -> str:
        """The valid filters as the pagination links keep them (ending in "&" when there are any)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        kept = {name: data[name] for name in ("kind", "source", "owner") if data.get(name)}
        return urlencode(kept) + "&" if kept else ""

    @property
    def active(self) -> bool:
        return bool(self.query())
