"""Input validation for the organisation screens, with messages in Swedish (via i18n)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tillit.accounts import addresses
from tillit.core.forms import TEXT_LIMIT_MESSAGE
from tillit.core.text import normalise_text
from tillit.organisations.actions import PersonDetails
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, Unit
from tillit.organisations.queries import unit_tree


class CleanTextMixin(forms.BaseForm):
    """Free text typed into a form, cleaned as everywhere (`normalise_text`); a required field left blank refused."""

    def _clean_text(self, field: str) -> str:
        value = normalise_text(self.cleaned_data.get(field) or "")
        if not value and self.fields[field].required:
            raise forms.ValidationError(_("This field cannot be empty."))
        return value

    def clean_name(self) -> str:
        return self._clean_text("name")


def label_units_by_path(
    form: forms.BaseForm, name: str, organisation: Organisation, *, keep: Unit | None = None
) -> None:
    """Offer the organisation's open units in tree order in the form's unit field `name`, each labelled with its
    full path.

    `keep` is a closed unit someone already belongs to: it stays a choice, so that saving
    other changes does not silently take the person out of it.
    """
    field = cast(forms.ModelChoiceField, form.fields[name])
    units = Unit.objects.in_organisation(organisation)
    empty: list[tuple[Any, Any]] = [("", field.empty_label)] if field.empty_label is not None else []
    choices: list[tuple[Any, Any]] = [(node.unit.pk, node.path) for node in unit_tree(organisation)]
    if keep is not None and not keep.is_open:
        field.queryset = units.filter(Q(closed_at__isnull=True) | Q(pk=keep.pk))
        choices.append((keep.pk, _("%(name)s (closed)") % {"name": keep.name}))
    else:
        field.queryset = units.open()
    field.choices = empty + choices


class UnitForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["max_length"] = TEXT_LIMIT_MESSAGE

    def clean_name(self) -> str:
        name = self._clean_text("name")
        if "/" in name:
            raise forms.ValidationError(_("A unit's name cannot contain /, which separates units in paths."))
        return name


class UnitCreateForm(UnitForm):
    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Part of"), empty_label=_("(top of the organisation)")
    )

    class Meta(UnitForm.Meta):
        fields = ["name", "kind", "parent"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_units_by_path(self, "parent", organisation)


class UnitMoveForm(forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("New place"), empty_label=_("(top of the organisation)")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_units_by_path(self, "parent", organisation)


class LevelForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Level
        fields = ["name", "rank", "description"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["rank"].widget.attrs.update({"min": 1, "max": 99})
        self.fields["rank"].validators.append(MaxValueValidator(99))

    def clean_description(self) -> str:
        return normalise_text(self.cleaned_data.get("description") or "")

    def clean_name(self) -> str:
        name = self._clean_text("name")
        clash = Level.objects.in_organisation(self.organisation).filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("There is already a level called %(name)s.") % {"name": name})
        return name


class ActorGroupForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ActorGroup
        fields = ["name", "key", "description", "position"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["position"].widget.attrs.update({"min": 0, "max": 99})
        self.fields["position"].validators.append(MaxValueValidator(99))
        cast(forms.ChoiceField, self.fields["key"]).choices = [("", _("(another kind)")), *ActorGroup.Key.choices]

    def clean_description(self) -> str:
        return normalise_text(self.cleaned_data.get("description") or "")

    def clean_name(self) -> str:
        name = self._clean_text("name")
        clash = ActorGroup.objects.in_organisation(self.organisation).filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("There is already an actor group called %(name)s.") % {"name": name})
        return name

    def clean_key(self) -> str:
        key = self.cleaned_data.get("key") or ""
        if key:
            clash = ActorGroup.objects.in_organisation(self.organisation).filter(key=key)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("Another actor group is already of this kind."))
        return key


class MembershipForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Unit"), empty_label=_("(no unit)")
    )
    actor_group = forms.ModelChoiceField(queryset=ActorGroup.objects.none(), label=_("Actor group"), empty_label=None)
    level = forms.ModelChoiceField(
        queryset=Level.objects.none(), required=False, label=_("Level"), empty_label=_("(no level)")
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, label=_("Role"), initial=Membership.Role.PARTICIPANT)

    def __init__(
        self, *args: Any, organisation: Organisation, membership: Membership | None = None, **kwargs: Any
    ) -> None:
        if membership is not None:
            kwargs.setdefault(
                "initial",
                {
                    "unit": membership.unit,
                    "actor_group": membership.actor_group,
                    "level": membership.level,
                    "role": membership.role,
                },
            )
        super().__init__(*args, **kwargs)
        label_units_by_path(self, "unit", organisation, keep=membership.unit if membership else None)
        cast(forms.ModelChoiceField, self.fields["actor_group"]).queryset = ActorGroup.objects.in_organisation(
            organisation
        )
        cast(forms.ModelChoiceField, self.fields["level"]).queryset = Level.objects.in_organisation(organisation)


class PersonForm(MembershipForm):
    full_name = forms.CharField(label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    send_invitation = forms.BooleanField(label=_("Send an invitation by e-mail now"), required=False, initial=True)

    field_order = ["full_name", "email", "unit", "actor_group", "level", "role", "send_invitation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].error_messages["max_length"] = TEXT_LIMIT_MESSAGE

    def clean_full_name(self) -> str:
        name = normalise_text(self.cleaned_data.get("full_name") or "")
        if not name:
            raise forms.ValidationError(_("Enter the person's name."))
        return name

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if len(addresses.canonical_email(email)) > addresses.MAX_LENGTH:
            raise forms.ValidationError(_("The e-mail address is too long."))
        return email

    def person_details(self) -> PersonDetails:
        data = self.cleaned_data
        return PersonDetails(
            full_name=data["full_name"],
            email=data["email"],
            unit=data["unit"],
            actor_group=data["actor_group"],
            level=data["level"],
            role=data["role"],
        )


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, email, unit, actor_group (a header row first). "
            "Units are written as a path from the top: Socialförvaltningen / Hemtjänst Norr."
        ),
    )

    def data_read(self) -> bytes:
        """The uploaded file's bytes, and one more than the limit at most: enough to tell that it is too large."""
        upload = self.cleaned_data["file"]
        limit = settings.PEOPLE_IMPORT_MAX_BYTES
        data: bytes = upload.read(limit + 1) if upload.size > limit else upload.read()
        return data


class PeopleImportCommitForm(forms.Form):
    """Importing the file last checked: the preview it was shown in, and whether to send invitations."""

    preview = forms.CharField(required=False)
    send_invitations = forms.BooleanField(required=False)


class InvitationAnswerForm(forms.Form):
    """Accepting or declining an invitation (the page's two buttons)."""

    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])


class OrganisationSettingsForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "anonymity_threshold"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["anonymity_threshold"].widget.attrs.update({"min": 3, "max": 100})
        self.fields["anonymity_threshold"].validators.append(MaxValueValidator(100))
        self.fields["anonymity_threshold"].error_messages["min_value"] = _("The threshold can never be below 3.")
