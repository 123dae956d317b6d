"""Input for workshops, with Swedish messages through i18n; no saving here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import TEXT_LIMIT_MESSAGE, CleanText
from tillit.core.periods import check_period
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.organisations.queries import descendants, unit_tree
from tillit.workshops.models import MAX_GUEST_PLACES, SERVES, Item, Link, Participant, Workshop

IMPORTANCE_CHOICES = [("", _("Not rated"))] + [(str(n), str(n)) for n in range(5)]
ACHIEVEMENT_CHOICES = [("", _("Not rated"))] + [(str(n), str(n)) for n in range(1, 6)]
CONTRIBUTION_CHOICES = [("", _("Don't know"))] + [(str(n), str(n)) for n in range(4)]


class WorkshopForm(forms.Form):
    title = CleanText(label=_("Title"), max_length=150)
    service_user_group = CleanText(
        label=_("Service users"), max_length=150, help_text=Workshop._meta.get_field("service_user_group").help_text
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=Workshop._meta.get_field("purpose").help_text,
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Units involved"),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    guest_places = forms.IntegerField(
        label=_("Guest places"),
        min_value=0,
        max_value=MAX_GUEST_PLACES,
        initial=0,
        required=False,
        help_text=_(
            "How many may join with the code without an account (service users, relatives, partners). "
            "0 lets nobody in; you can open places later."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = cast(forms.ModelMultipleChoiceField, self.fields["units"])
        units.queryset = Unit.objects.in_organisation(organisation).open()
        units.choices = [(node.unit.pk, node.path) for node in unit_tree(organisation)]
        self.fields["purpose"].error_messages["max_length"] = TEXT_LIMIT_MESSAGE
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today

    def clean_guest_places(self) -> int:
        return self.cleaned_data["guest_places"] or 0

    def clean_purpose(self) -> str:
        purpose = " ".join(line.strip() for line in self.cleaned_data["purpose"].splitlines() if line.strip())
        if not purpose:
            raise forms.ValidationError(_("Describe the purpose."))
        return purpose

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on"):
            try:
                check_period(
                    data["starts_on"],
                    data["ends_on"],
                    error=forms.ValidationError,
                    message=_("The last day cannot be before the first day."),
                )
            except forms.ValidationError as error:
                self.add_error("ends_on", error)
        return data


class GuestPlacesForm(forms.Form):
    places = forms.IntegerField(
        label=_("Guest places"),
        min_value=0,
        max_value=MAX_GUEST_PLACES,
        error_messages={
            "required": _("Give the number of guest places."),
            "invalid": _("Give the number of guest places as a whole number."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = _("Guest places go from 0 to %(limit)s.") % {"limit": MAX_GUEST_PLACES}
        self.fields["places"].error_messages["min_value"] = limits
        self.fields["places"].error_messages["max_value"] = limits


class CodeForm(forms.Form):
    code = CleanText(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        return code.upper()


class JoinForm(CodeForm):
    name = CleanText(
        label=_("Your name or initials"),
        max_length=60,
        required=False,
        help_text=_("Optional. Shown with your proposals; your ratings are always anonymous."),
    )
    # No group is chosen in advance: a guest who does not choose would otherwise be counted in the first group.
    actor_group = forms.ModelChoiceField(
        queryset=ActorGroup.objects.none(),
        label=_("You take part as"),
        empty_label=_("Choose…"),
        error_messages={
            "required": _("Choose the group you take part as."),
            "invalid_choice": _("Choose one of the listed groups."),
        },
    )

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = forms.HiddenInput()
        if organisation is not None:
            actor_group = cast(forms.ModelChoiceField, self.fields["actor_group"])
            actor_group.queryset = ActorGroup.objects.in_organisation(organisation)


def join_form(data: Mapping[str, Any], *, organisation: Organisation, code: str) -> JoinForm:
    """The guest's name and actor group for the workshop the code opened: bound once they have been sent (the
    code alone only opens the form)."""
    return JoinForm(data if "actor_group" in data else None, organisation=organisation, initial={"code": code})


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(choices=Item.Kind.choices, label=_("Kind"), initial=Item.Kind.EFFECT)
    title = CleanText(label=_("Your proposal"), max_length=140)
    description = forms.CharField(
        label=_("Description (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemEditForm(forms.Form):
    title = CleanText(label=_("Title"), max_length=140)
    description = forms.CharField(
        label=_("Description"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(
        label=_("Place in the list"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("1 puts the card first among the cards of its kind."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MembershipChoices(forms.ModelMultipleChoiceField):
    """People of the organisation, each shown with their actor group and unit."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} – {obj.actor_group.name}" + (f", {obj.unit.name}" if obj.unit else "")


class InviteFilterForm(forms.Form):
    """Which of the organisation's people the invitation list shows: by unit (with the units below it), level and
    actor group. Sent with GET, so that the filtered list has an address and the form to add people keeps it."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), to_field_name="public_id", required=False, label=_("Unit"), empty_label=_("All")
    )
    level = forms.ModelChoiceField(
        queryset=Level.objects.none(), to_field_name="public_id", required=False, label=_("Level"), empty_label=_("All")
    )
    actor_group = forms.ModelChoiceField(
        queryset=ActorGroup.objects.none(),
        to_field_name="public_id",
        required=False,
        label=_("Actor group"),
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.filter(
            organisation=organisation, closed_at__isnull=True
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["level"]).queryset = Level.objects.in_organisation(organisation)
        cast(forms.ModelChoiceField, self.fields["actor_group"]).queryset = ActorGroup.objects.in_organisation(
            organisation
        )
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose one of the listed values, or all.")

    @property
    def filtering(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def restrict(self, members: QuerySet[Membership]) -> QuerySet[Membership]:
        """`members` as the filter shows them; all of them when the filter is empty or not valid."""
        if not (self.is_bound and self.is_valid()):
            return members
        unit, level, actor_group = (self.cleaned_data[name] for name in ("unit", "level", "actor_group"))
        if unit is not None:
            members = members.filter(unit__in=[unit, *descendants(unit)])
        if level is not None:
            members = members.filter(level=level)
        if actor_group is not None:
            members = members.filter(actor_group=actor_group)
        return members


class AddParticipantsForm(forms.Form):
    memberships = MembershipChoices(
        queryset=Membership.objects.none(), label=_("People"), widget=forms.CheckboxSelectMultiple, required=False
    )
    everyone_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("They take part as"), choices=Participant.Role.choices, initial=Participant.Role.PARTICIPANT
    )

    def __init__(self, *args: Any, workshop: Workshop, shown: InviteFilterForm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = workshop.participants.exclude(membership=None).values_list("membership_id", flat=True)
        members = (
            Membership.objects.in_organisation(workshop.organisation)
            .exclude(pk__in=taken)
            .select_related("user", "actor_group", "unit")
            .order_by("unit__name", "user__full_name")
        )
        field = cast(forms.ModelMultipleChoiceField, self.fields["memberships"])
        field.queryset = shown.restrict(members) if shown is not None else members
        field.error_messages["invalid_choice"] = _("Choose among the listed people.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("everyone_shown"):
            field = cast(forms.ModelMultipleChoiceField, self.fields["memberships"])
            cleaned["memberships"] = list(field.queryset or [])
        if not cleaned.get("memberships") and not self.errors:
            raise forms.ValidationError(_("Choose at least one person."))
        return cleaned


class DecisionForm(forms.Form):
    """A decision: a link (an activity and the effect it serves, offered as `links`), its owner and follow-up.
    `cleaned_data["link"]` is the chosen `Link`."""

    link = forms.ChoiceField(label=_("Activity and the effect it serves"))
    owner = CleanText(
        label=_("Owner"), max_length=150, help_text=_("A unit or role as close to the service user as possible.")
    )
    follow_up = CleanText(label=_("How it is followed up"), max_length=300)
    due_on = forms.DateField(label=_("Follow up by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, links: Iterable[Link], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = {f"{link.source.public_id}:{link.target.public_id}": link for link in links}
        field = cast(forms.ChoiceField, self.fields["link"])
        field.choices = [("", _("Choose…"))] + [
            (value, f"{link.source.title} → {link.target.title}") for value, link in self.links.items()
        ]

    def clean_link(self) -> Link:
        return self.links[self.cleaned_data["link"]]


class StepForm(forms.Form):
    step = forms.ChoiceField(
        choices=Workshop.Step.choices,
        error_messages={"required": _("Unknown step."), "invalid_choice": _("Unknown step.")},
    )


class CardChoice(forms.ModelChoiceField):
    """One of the given cards, by its public id; anything else (not even a UUID) is not one of them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Item.objects.none(), to_field_name="public_id", **kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class MergeForm(forms.Form):
    """The card a duplicate is merged into, by its public id, among the workshop's cards."""

    into = CardChoice(
        error_messages={
            "required": _("Choose the card to merge into."),
            "invalid_choice": _("Choose the card to merge into."),
        },
    )

    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CardChoice, self.fields["into"]).queryset = Item.objects.filter(workshop=workshop)


class LinkForm(forms.Form):
    """A link to make or remove: two of the workshop's cards (not merged away), by their public ids."""

    source = CardChoice()
    target = CardChoice()
    action = forms.ChoiceField(choices=[("link", "link"), ("unlink", "unlink")], required=False)

    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cards: QuerySet[Item] = Item.objects.filter(workshop=workshop, merged_into__isnull=True)
        for name in ("source", "target"):
            cast(CardChoice, self.fields[name]).queryset = cards

    @property
    def unlinks(self) -> bool:
        return bool(self.cleaned_data.get("action") == "unlink")


class LinksForm(forms.Form):
    """The cards one step up the chain that a card serves: ticked ones are linked, the others not."""

    targets = forms.ModelMultipleChoiceField(
        queryset=Item.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose among the listed cards."),
            "invalid_pk_value": _("Choose among the listed cards."),
        },
    )

    def __init__(self, *args: Any, card: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = cast(forms.ModelMultipleChoiceField, self.fields["targets"])
        targets.queryset = Item.objects.filter(
            workshop_id=card.workshop_id, kind=SERVES.get(card.kind, ""), merged_into__isnull=True
        )
        targets.label = (
            _("Effects this activity serves") if card.kind == Item.Kind.ACTIVITY else _("Goals this effect serves")
        )


OUTSIDE_THE_SCALE = _("A rating was outside its scale; nothing was saved.")
SCALE_MESSAGES = {
    "importance": _("Importance is rated from 0 to 4."),
    "achievement": _("How well it is achieved today is rated from 1 to 5."),
    "contribution": _("Contribution is rated from 0 to 3."),
}
# Each select's values as the page sends them; "" is "not rated" or "don't know".
SCALES: dict[str, frozenset[str]] = {
    "importance": frozenset(value for value, _label in IMPORTANCE_CHOICES),
    "achievement": frozenset(value for value, _label in ACHIEVEMENT_CHOICES),
    "contribution": frozenset(value for value, _label in CONTRIBUTION_CHOICES),
}
_UUID_LENGTH = 36


@dataclass(frozen=True)
class PostedRatings:
    """A rating page as posted: the cards by their public ids, None for an empty select. The arguments of
    `actions.rate_posted_page`, which leaves out what is not in the chain (any more)."""

    importance: dict[UUID, int | None]
    achievement: dict[UUID, int | None]
    contribution: dict[tuple[UUID, UUID], int | None]


class RatingForm:
    """One person's rating page: for every effect its importance and how well it is achieved, and for every link
    how much the activity contributes to the effect, in selects named `importance-<effect>`,
    `achievement-<effect>` and `contribution-<activity>-<effect>` (public ids); an empty one is "not rated" or
    "don't know".

    Not a Django form: a conference page has some 200 selects, and building a field for each on every post cost
    more than storing the ratings. Each posted value is checked against its scale as the selects offer it; a name
    that is not a rating select is ignored, and which cards are in the chain is the action's to check, under the
    step's lock. Any value off its scale refuses the whole page, saying which scale.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self._ratings: PostedRatings | None = None
        self._off_scale: list[str] = []

    def is_valid(self) -> bool:
        importance: dict[UUID, int | None] = {}
        achievement: dict[UUID, int | None] = {}
        contribution: dict[tuple[UUID, UUID], int | None] = {}
        off_scale: set[str] = set()
        for name in self.data:
            kind, _dash, cards = name.partition("-")
            scale = SCALES.get(kind)
            if scale is None:
                continue
            ids = _public_ids(cards, 2 if kind == "contribution" else 1)
            if ids is None:
                continue  # not one of the page's selects
            value = self.data.get(name)
            if not isinstance(value, str) or value not in scale:
                off_scale.add(kind)
                continue
            rating = int(value) if value else None
            if kind == "contribution":
                contribution[ids[0], ids[1]] = rating
            elif kind == "importance":
                importance[ids[0]] = rating
            else:
                achievement[ids[0]] = rating
        self._off_scale = [kind for kind in SCALES if kind in off_scale]
        self._ratings = None if off_scale else PostedRatings(importance, achievement, contribution)
        return self._ratings is not None

    def ratings(self) -> dict[str, Any]:
        """The page's ratings as the keyword arguments of `actions.rate_posted_page`."""
        if self._ratings is None:
            raise ValueError("ratings() of a page that is not valid")
        return {
            "importance": self._ratings.importance,
            "achievement": self._ratings.achievement,
            "contribution": self._ratings.contribution,
        }

    @property
    def error_message(self) -> str:
        """One message for the page (it has no place for a message per select): nothing was saved, and which
        scales were broken."""
        return " ".join([str(OUTSIDE_THE_SCALE), *(str(SCALE_MESSAGES[kind]) for kind in self._off_scale)])


def _public_ids(text: str, count: int) -> tuple[UUID, ...] | None:
    """`count` public ids written as the page writes them, joined by "-"; None for anything else."""
    if len(text) != count * (_UUID_LENGTH + 1) - 1:
        return None
    parts = [text[start : start + _UUID_LENGTH] for start in range(0, len(text), _UUID_LENGTH + 1)]
    if any(text[start - 1] != "-" for start in range(_UUID_LENGTH + 1, len(text), _UUID_LENGTH + 1)):
        return None
    try:
        return tuple(UUID(part) for part in parts)
    except ValueError:
        return None
