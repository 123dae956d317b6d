"""Input for workshops, with Swedish messages through i18n; no saving here."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import TEXT_LIMIT_MESSAGE, CleanText
from tillit.organisations.models import ActorGroup, Membership, Organisation, Unit
from tillit.organisations.queries import unit_tree
from tillit.workshops.models import MAX_GUEST_PLACES, Item, Participant, Workshop

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

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.in_organisation(organisation).open()
        self.fields["units"].choices = [(node.unit.pk, node.path) for node in unit_tree(organisation)]
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

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
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

    def __init__(self, *args: object, **kwargs: object) -> None:
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


class JoinForm(CodeForm):
    name = CleanText(
        label=_("Your name or initials"),
        max_length=60,
        required=False,
        help_text=_("Optional. Shown with your proposals; your ratings are always anonymous."),
    )
    actor_group = forms.ModelChoiceField(
        queryset=ActorGroup.objects.none(), label=_("You take part as"), empty_label=None
    )

    def __init__(self, *args: object, organisation: Organisation | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = forms.HiddenInput()
        if organisation is not None:
            self.fields["actor_group"].queryset = ActorGroup.objects.in_organisation(organisation)


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


class AddParticipantsForm(forms.Form):
    memberships = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(), label=_("People"), widget=forms.CheckboxSelectMultiple
    )
    role = forms.ChoiceField(
        label=_("They take part as"), choices=Participant.Role.choices, initial=Participant.Role.PARTICIPANT
    )

    def __init__(self, *args: object, workshop: Workshop, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        taken = workshop.participants.exclude(membership=None).values_list("membership_id", flat=True)
        members = (
            Membership.objects.in_organisation(workshop.organisation)
            .exclude(pk__in=taken)
            .select_related("user", "actor_group", "unit")
            .order_by("unit__name", "user__full_name")
        )
        self.fields["memberships"].queryset = members
        self.fields["memberships"].label_from_instance = lambda m: (
            f"{m.user.full_name} – {m.actor_group.name}" + (f", {m.unit.name}" if m.unit else "")
        )


class DecisionForm(forms.Form):
    link = forms.ChoiceField(label=_("Activity and the effect it serves"))
    owner = CleanText(
        label=_("Owner"), max_length=150, help_text=_("A unit or role as close to the service user as possible.")
    )
    follow_up = CleanText(label=_("How it is followed up"), max_length=300)
    due_on = forms.DateField(label=_("Follow up by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link"].choices = choices
