"""The one way a page writes a figure: `{% figure cell %}`, as `reports/charts/value.html` describes.

A report page writes hundreds of figures; written by a tag instead of an `{% include %}` each costs a few
microseconds instead of a template of its own, and the HTML is the same.
"""

from __future__ import annotations

from typing import cast

from django import template
from django.template.defaultfilters import floatformat
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tillit.privacy.suppression import Cell, Hidden

register = template.Library()

_NO_GROUPING_BELOW = 1000  # a whole number this small is written the same in every language


def whole_number(value: object) -> str:
    """A figure as its whole number, grouped as the language groups thousands (`floatformat:"0g"`)."""
    if type(value) is int and -_NO_GROUPING_BELOW < value < _NO_GROUPING_BELOW:
        return str(value)
    return str(floatformat(value, "0g"))


def no_figure(reason: str | Promise = "") -> SafeString:
    """The dash of a hidden figure, or of none at all: `reason` (default: too few answers) for screen readers and as
    a tooltip."""
    title = conditional_escape(cast(str, reason)) if reason else conditional_escape(gettext("Too few answers"))
    spoken = conditional_escape(cast(str, reason)) if reason else conditional_escape(gettext("too few answers"))
    return mark_safe(  # noqa: S308 - every text in it is escaped above
        f'<span class="no-figure"><span aria-hidden="true" title="{title}">–</span>'
        f'<span class="visually-hidden">{spoken}</span></span>'
    )


@register.simple_tag
def figure(value: Cell[object] | Hidden | None, percent: bool = False, reason: str | Promise = "") -> SafeString:
    """One figure: `value` is a `Cell` (tillit.privacy), or None where there is no figure at all. Written as its whole
    number (with a per cent sign when `percent`), or, when it is hidden or has no value, as a dash with `reason`."""
    if value is None or isinstance(value, Hidden) or value.hidden or value.value is None:
        return no_figure(reason)
    number = whole_number(value.value)
    return mark_safe(f"{number}&nbsp;%" if percent else number)  # noqa: S308 - a number we formatted
