"""The organisation's dialogues: the list, and a new dialogue (process leaders and administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.dialogues import actions, queries
from tillit.dialogues.forms import NewDialogueForm
from tillit.dialogues.permissions import CREATE_DIALOGUE, LIST_DIALOGUES
from tillit.organisations.door import Access, OrganisationRequest, through
from tillit.organisations.models import Organisation
from tillit.organisations.permissions import ORGANISATION


@through(ORGANISATION, LIST_DIALOGUES)
def dialogue_list(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    context = {"organisation": organisation, "dialogues": queries.dialogues_of(organisation)}
    return render(request, "dialogues/dialogue_list.html", context)


@through(ORGANISATION, CREATE_DIALOGUE)
def dialogue_create(request: OrganisationRequest, access: Access[Organisation]) -> HttpResponse:
    organisation = access.target
    form = NewDialogueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = actions.create_dialogue(
                organisation=organisation, created_by=access.membership, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dialogue is created. Share the link with the participants."))
            return redirect("dialogues:moderate", dialogue=dialogue.public_id)
    context = {"organisation": organisation, "form": form, "creating": True}
    return render(request, "dialogues/dialogue_form.html", context)
