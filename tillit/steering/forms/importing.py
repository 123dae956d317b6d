"""Input for importing a catalogue: the uploaded file, and the confirmation of the preview last shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.steering.importing import limits


class SignalImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "A header row first, then one signal per row. Units are written as a path from the top, e.g. "
            "Socialförvaltningen / Hemtjänst Norr; several separated by ;. Decimal commas are fine."
        ),
    )

    def data_read(self) -> bytes:
        """The uploaded file's bytes, and one more than the limit at most: enough to tell that it is too large."""
        upload = self.cleaned_data["file"]
        limit, _rows = limits()
        data: bytes = upload.read(limit + 1) if upload.size > limit else upload.read()
        return data

    def file_name(self) -> str:
        return str(self.cleaned_data["file"].name or "")


class SignalImportConfirmForm(forms.Form):
    """Importing the rows last checked: the preview they were shown in."""

    preview = forms.CharField(max_length=64)
