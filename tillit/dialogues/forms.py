"""Input for dialogues, with Swedish messages through i18n; no saving here."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import TEXT_LIMIT_MESSAGE, CleanText
from tillit.core.text import normalise_text
from tillit.dialogues.actions import MAX_SEED_STATEMENTS
from tillit.dialogues.models import MAX_STATEMENT_LENGTH, MIN_STATEMENT_LENGTH, Dialogue, Statement, Vote
from tillit.organisations.models import ActorGroup, Organisation
from tillit.workshops.models import Item, Workshop


class DialogueForm(forms.Form):
    question = CleanText(
        label=_("Question"),
        max_length=300,
        help_text=_("One open question, e.g. What would make the home care visit better for you?"),
    )
    background = forms.CharField(
        label=_("Background"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the dialogue is for and what will happen with the results."),
    )
    access = forms.ChoiceField(label=_("Who may take part"), choices=Dialogue.Access, widget=forms.RadioSelect)
    moderation = forms.ChoiceField(label=_("Moderation"), choices=Dialogue.Moderation, widget=forms.RadioSelect)
    accepts_statements = forms.BooleanField(label=_("Participants may add their own statements"), required=False)
    statement_max_length = forms.IntegerField(
        label=_("Longest statement (characters)"), min_value=MIN_STATEMENT_LENGTH, max_value=MAX_STATEMENT_LENGTH
    )
    live_results = forms.BooleanField(
        label=_("Show results while the dialogue is open"),
        required=False,
        help_text=_(
            "Otherwise results open when the dialogue closes. Can only be chosen before the dialogue opens. "
            "Figures watched while votes come in could reveal how the latest participants voted, so each update "
            "holds back what fewer than the anonymity threshold have changed."
        ),
    )
    opens_on = forms.DateField(label=_("Opens"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["background"].error_messages["max_length"] = TEXT_LIMIT_MESSAGE
        if not self.is_bound and not self.initial:
            today = timezone.localdate()
            self.initial = {
                "access": Dialogue.Access.INTERNAL,
                "moderation": Dialogue.Moderation.POST,
                "accepts_statements": True,
                "statement_max_length": 140,
                "opens_on": today,
                "closes_on": today + timezone.timedelta(days=14),
            }

    def clean_background(self) -> str:
        return "\n".join(normalise_text(line) for line in self.cleaned_data["background"].splitlines()).strip()

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The dialogue cannot close before it opens."))
        return cleaned


class NewDialogueForm(DialogueForm):
    seed_statements = forms.CharField(
        label=_("Seed statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One statement per line. They start the dialogue so the first participants have something to vote on."
        ),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        lines = [normalise_text(line) for line in (cleaned.get("seed_statements") or "").splitlines()]
        lines = [line for line in lines if line]
        limit = cleaned.get("statement_max_length") or MAX_STATEMENT_LENGTH
        too_long = [number for number, line in enumerate(lines, start=1) if len(line) > limit]
        if too_long:
            self.add_error(
                "seed_statements",
                _("Line %(lines)s is longer than %(limit)d characters.")
                % {"lines": ", ".join(map(str, too_long)), "limit": limit},
            )
        if len(lines) > MAX_SEED_STATEMENTS:
            self.add_error("seed_statements", _("At most %(count)d seed statements.") % {"count": MAX_SEED_STATEMENTS})
        cleaned["seed_statements"] = lines
        return cleaned


class VoteForm(forms.Form):
    statement = forms.UUIDField(widget=forms.HiddenInput)
    vote = forms.TypedChoiceField(choices=Vote.Value.choices, coerce=int)


class StatementForm(forms.Form):
    def __init__(self, *args: object, dialogue: Dialogue, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        limit = dialogue.statement_max_length
        self.fields["text"] = CleanText(
            label=_("Your statement"),
            max_length=limit,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "One thought per statement, at most %(limit)d characters. Others will vote on it. "
                "Do not write names or anything that identifies a person. What you write may become an "
                "official document (allmän handling)."
            )
            % {"limit": limit},
        )


class JoinForm(forms.Form):
    actor_group = forms.ModelChoiceField(
        queryset=ActorGroup.objects.none(),
        required=False,
        label=_("I take part as (optional)"),
        empty_label=_("I prefer not to say"),
    )

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor_group"].queryset = ActorGroup.objects.filter(organisation=organisation)


class ModerationForm(forms.Form):
    status = forms.ChoiceField(choices=Statement.Status.choices)


class MergeForm(forms.Form):
    keep = forms.UUIDField(label=_("Keep this statement"))


class PromoteForm(forms.Form):
    workshop = forms.ModelChoiceField(queryset=Workshop.objects.none(), label=_("Workshop"))
    kind = forms.ChoiceField(
        label=_("As"),
        choices=[(Item.Kind.EFFECT, Item.Kind.EFFECT.label), (Item.Kind.ACTIVITY, Item.Kind.ACTIVITY.label)],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = Workshop.objects.in_organisation(organisation).filter(
            step__in=Workshop.PROPOSAL_STEPS
        )
        self.fields["kind"].initial = Item.Kind.EFFECT
