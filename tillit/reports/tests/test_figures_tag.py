"""`{% figure %}` writes a figure exactly as the include it replaced did, and a hidden one never as a number."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from tillit.privacy.suppression import HIDDEN, Cell

# The include every report page used before the tag (reports/charts/value.html), kept here as the reference.
INCLUDE = (
    "{% load i18n %}{% if value is None or value.hidden or value.value is None %}"
    '<span class="no-figure"><span aria-hidden="true" title="{% if reason %}{{ reason }}{% else %}'
    '{% translate \'Too few answers\' %}{% endif %}">–</span><span class="visually-hidden">{% if reason %}'
    '{{ reason }}{% else %}{% translate "too few answers" %}{% endif %}</span></span>{% else %}'
    '{{ value.value|floatformat:"0g" }}{% if percent %}&nbsp;%{% endif %}{% endif %}'
)
TAG = "{% load figures %}{% figure value percent=percent reason=reason %}"

VALUES = [
    Cell(0, 7),
    Cell(67, 7),
    Cell(-12, 7),
    Cell(999, 7),
    Cell(1000, 1000),
    Cell(52_341, 52_341),
    Cell(-4_500, 7),
    Cell(66.5, 7),
    Cell(66.49, 7),
    Cell(-0.4, 7),
    Cell(HIDDEN, HIDDEN),
    Cell(None, 7),
    None,
]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("percent", [True, False])
@pytest.mark.parametrize("reason", ["", "too few answers, or <hidden> to protect a smaller group"])
def test_the_tag_writes_what_the_include_wrote(language, value, percent, reason):
    context = {"value": value, "percent": percent, "reason": reason}
    with translation.override(language):
        expected = Template(INCLUDE).render(Context(context))
        written = Template(TAG).render(Context(context))

    assert written == expected


def test_a_hidden_value_on_its_own_is_a_dash_too():
    written = Template(TAG).render(Context({"value": HIDDEN, "percent": False, "reason": ""}))

    assert "–" in written
    assert "no-figure" in written
