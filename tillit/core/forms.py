"""Form fields shared by every app: free text typed by people is cleaned the same way everywhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.core.text import normalise_text

TEXT_LIMIT_MESSAGE = _("At most %(limit_value)d characters (now %(show_value)d).")


class CleanText(forms.CharField):
    """A text field that collapses whitespace and drops control characters."""

    def to_python(self, value: Any) -> str:
        return normalise_text(super().to_python(value) or "")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages["max_length"] = TEXT_LIMIT_MESSAGE
