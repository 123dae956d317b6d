"""Input for dialogues, with Swedish messages through i18n; no saving here. Every value a view reads from a request
comes through one of these forms."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.forms import TEXT_LIMIT_MESSAGE, CleanText
from tillit.core.http import parse_uuid
from tillit.core.periods import check_period
from tillit.core.text import normalise_text
from tillit.dialogues.actions import GROUP_PARAMETER, MAX_SEED_STATEMENTS
from tillit.dialogues.models import MAX_STATEMENT_LENGTH, MIN_STATEMENT_LENGTH, Dialogue, Statement, Vote
from tillit.dialogues.queries import FLAGGED
from tillit.organisations.models import ActorGroup, Organisation
from tillit.workshops import queries as workshop_queries

NOT_IN_THE_DIALOGUE = _("That statement is not part of this dialogue.")
CHOOSE_A_VOTE = _("Choose agree, disagree or pass.")
UNKNOWN_DECISION = _("Unknown moderation decision.")
# The moderation list's filters: every status, and the statements participants have reported.
SHOWN_CHOICES = [("", _("All")), *Statement.Status.choices, (FLAGGED, _("Reported"))]


class StatementChoiceField(forms.ModelChoiceField):
    """A statement named by its public id, among the form's statements; anything else is an invalid choice."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_uuid(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def statement_field(queryset: QuerySet[Statement], message: Any, **options: Any) -> StatementChoiceField:
    return StatementChoiceField(
        queryset=queryset,
        to_field_name="public_id",
        error_messages={"required": message, "invalid_choice": message},
        **options,
    )


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
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
                "closes_on": today + datetime.timedelta(days=14),
            }

    def clean_background(self) -> str:
        return "\n".join(normalise_text(line) for line in self.cleaned_data["background"].splitlines()).strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on:
            try:
                check_period(
                    opens_on, closes_on, error=ValidationError, message=_("The dialogue cannot close before it opens.")
                )
            except ValidationError as error:
                self.add_error("closes_on", error)
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

    def clean(self) -> dict[str, Any]:
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
    """A vote on one of the dialogue's statements."""

    vote = forms.TypedChoiceField(
        choices=Vote.Value.choices,
        coerce=int,
        error_messages={"required": CHOOSE_A_VOTE, "invalid_choice": CHOOSE_A_VOTE},
    )

    def __init__(self, *args: Any, dialogue: Dialogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statements = Statement.objects.filter(dialogue=dialogue).select_related("dialogue")
        self.fields["statement"] = statement_field(statements, NOT_IN_THE_DIALOGUE, widget=forms.HiddenInput)

    def first_error(self) -> str:
        """The message to show: what is wrong with the statement first, then with the vote."""
        for name in ("statement", "vote"):
            if name in self.errors:
                return str(self.errors[name][0])
        return str(CHOOSE_A_VOTE)


class FlagForm(forms.Form):
    """A participant's report of one of the dialogue's statements."""

    def __init__(self, *args: Any, dialogue: Dialogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statements = Statement.objects.filter(dialogue=dialogue).select_related("dialogue")
        self.fields["statement"] = statement_field(statements, NOT_IN_THE_DIALOGUE, widget=forms.HiddenInput)


class StatementForm(forms.Form):
    def __init__(self, *args: Any, dialogue: Dialogue, **kwargs: Any) -> None:
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

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor_group"].queryset = ActorGroup.objects.filter(organisation=organisation)  # type: ignore[attr-defined]  # a ModelChoiceField

    @classmethod
    def from_link(cls, query: Any, *, organisation: Organisation) -> JoinForm:
        """An unbound form with the group an invitation's link names (`?grupp=<public id>`,
        `actions.invite_to_open_dialogue`) chosen, when it is one of the organisation's groups."""
        public_id = parse_uuid(query.get(GROUP_PARAMETER, ""))
        group = ActorGroup.objects.filter(organisation=organisation, public_id=public_id).first() if public_id else None
        return cls(organisation=organisation, initial={"actor_group": group})


class ModerationFilterForm(forms.Form):
    """Which statements the moderation list shows (`?status=`); anything unknown shows them all."""

    status = forms.ChoiceField(choices=SHOWN_CHOICES, required=False)

    def shown(self) -> str:
        return self.cleaned_data["status"] if self.is_valid() else ""


class ModerationForm(forms.Form):
    """A moderation decision, and the list filter the moderator was working through (to return to it)."""

    status = forms.ChoiceField(
        choices=Statement.Status.choices,
        error_messages={"required": UNKNOWN_DECISION, "invalid_choice": UNKNOWN_DECISION},
    )
    shown = forms.CharField(required=False)
    page = forms.CharField(required=False)

    def clean_shown(self) -> str:
        """The filter to return to; an unknown one is no filter (never an error: it is not the decision)."""
        shown = self.cleaned_data["shown"]
        return shown if shown in dict(SHOWN_CHOICES) else ""

    def clean_page(self) -> int:
        """The page of the list to return to; anything but a page number is the first page (never an error)."""
        page = self.cleaned_data["page"]
        return int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 else 1

    def shown_filter(self) -> str:
        """The filter to return to, kept even when the decision itself was not valid."""
        self.is_valid()
        return str(self.cleaned_data.get("shown") or "")

    def shown_page(self) -> int:
        """The page to return to, kept even when the decision itself was not valid."""
        self.is_valid()
        return int(self.cleaned_data.get("page") or 1)


class MergeForm(forms.Form):
    """The statement a duplicate is merged into, among `candidates`."""

    def __init__(self, *args: Any, candidates: QuerySet[Statement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"] = statement_field(
            candidates, _("Choose one of the listed statements."), label=_("Keep this statement")
        )


class PromoteForm(forms.Form):
    """A workshop of the organisation that takes proposals now, and what the statement becomes there."""

    # The workshops part's own queryset (`workshops_taking_proposals`), set per organisation below.
    workshop: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("Workshop"))
    kind = forms.ChoiceField(label=_("As"), choices=workshop_queries.PROMOTABLE_KINDS, widget=forms.RadioSelect)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshop_queries.workshops_taking_proposals(organisation)  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["kind"].initial = workshop_queries.PROMOTABLE_KINDS[0][0]
