"""How the catalogue writes its estimates: `{{ amount|amount }}` (7,5 · 1 000 · 52, as many decimals as it has)
and `{% hours value %}` (hours a year rounded to a tenth, "under 0,1" for a positive amount below it, never 0)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from tillit.steering import burden

register = template.Library()


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@register.filter
def amount(value: Decimal | int | None) -> str:
    """A typed figure as Swedish writes it: grouped thousands, a decimal comma, no trailing zeros."""
    if value is None:
        return ""
    number = Decimal(value)
    return str(number_format(number, decimal_pos=_places(number), use_l10n=True, force_grouping=True))


@register.simple_tag
def hours(value: Decimal | burden.Shown) -> SafeString:
    """Hours a year as read (`burden.display`): one decimal at most, and "under 0.1" rather than 0 for a positive
    amount below a tenth."""
    shown = value if isinstance(value, burden.Shown) else burden.display(value)
    if shown.below_step:
        return format_html("{} {}", gettext("under"), amount(shown.hours))
    return format_html("{}", amount(shown.hours))
